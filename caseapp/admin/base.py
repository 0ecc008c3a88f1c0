"""Base classes for every admin view: closed unless the view names the roles that may use it."""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView
from flask_admin.contrib.sqla import ModelView
from flask_security import current_user

from caseapp.auth.roles import has_any


class SecureMixin:
    # Each view states who may use it; an empty set (the default) lets nobody in.
    allowed_roles: frozenset[str] = frozenset()

    def is_accessible(self) -> bool:
        return has_any(current_user, self.allowed_roles)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.full_path))
        abort(403)


class SecureBaseView(SecureMixin, BaseView):
    pass


class SecureModelView(SecureMixin, ModelView):
    can_view_details = True
    can_export = False
    page_size = 50
    simple_list_pager = True


class SecureIndexView(SecureMixin, AdminIndexView):
    allowed_roles = frozenset({"admin", "caseworker", "shelter_manager", "analyst", "auditor"})
