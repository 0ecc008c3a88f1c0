"""Base classes for every admin view: closed unless the view names the roles that may use it.

Flask-Admin views are open to everyone by default. Here a view lets in only the roles in its
`allowed_roles` (an empty set, the default, lets nobody in), checks the CSRF token of every request
that can change something, builds its forms with that token, and neutralises spreadsheet formulas in
exports. Every POST form an admin template renders must carry `{{ csrf_token() }}`.
"""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from flask import abort, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.form import BaseForm
from flask_admin.model import typefmt
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_security import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup

from caseapp.audit.reads import audit_read
from caseapp.auth.roles import ROLES, has_any, role_names
from caseapp.extensions import csrf
from caseapp.inputcheck import CONTROL_MESSAGE, check_admin_query, has_control_characters
from caseapp.localtime import local_datetime

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CsrfForm(BaseForm):
    """Flask-Admin's form with Flask-WTF's CSRF token (the same token as `csrf_token()` in templates)."""

    class Meta(FlaskForm.Meta):
        pass

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and has_control_characters(field.data):
                field.errors = [*field.errors, CONTROL_MESSAGE]
                ok = False
        # A validator's German message given as lazy_gettext stays a LazyString in field.errors, and
        # Flask-Admin's field macro shows only errors that are `string`: it would be silently dropped.
        for field in self:
            field.errors = [str(e) if isinstance(e, LazyString) else e for e in field.errors]
        return ok


def neutralise_formula(value):
    """A cell starting with = + - @ would run as a formula in Excel or LibreOffice: make it text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


_STATIC_URLS: dict = {}
_MENUS: dict = {}


class SecureMixin:
    # Each view states who may use it; an empty set (the default) lets nobody in.
    allowed_roles: frozenset[str] = frozenset()

    def is_accessible(self) -> bool:
        unknown = set(self.allowed_roles) - set(ROLES)
        if unknown:  # a typo in a declaration must not silently open or close a view
            raise RuntimeError(f"{type(self).__name__}.allowed_roles names unknown roles: {sorted(unknown)}")
        return has_any(current_user, self.allowed_roles)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.full_path))
        abort(403)

    def get_url(self, endpoint, **kwargs):
        """As Flask-Admin's, but the admin's static file URLs (a dozen per page) are built once."""
        if not endpoint.endswith(".static"):
            return super().get_url(endpoint, **kwargs)
        key = (endpoint, request.script_root, tuple(sorted(kwargs.items())))
        url = _STATIC_URLS.get(key)
        if url is None:
            url = _STATIC_URLS[key] = super().get_url(endpoint, **kwargs)
        return url

    def cached_menu(self, render):
        """The main menu's HTML for this view, built once per (roles, language, active view).

        Rendering it asks every menu item's is_accessible (one role check each) and builds a URL per
        item: a few ms on every admin page. Which items show depends only on the user's roles
        (is_accessible above), so users with the same roles share the cached HTML.
        """
        from caseapp.admin.i18n import language

        roles = (
            role_names(current_user._get_current_object()) if current_user.is_authenticated else frozenset()
        )
        key = (id(self.admin), roles, language(), self.endpoint, request.script_root)
        html = _MENUS.get(key)
        if html is None:
            html = _MENUS[key] = Markup(render())
        return html

    def _handle_view(self, name, **kwargs):
        if not self.is_accessible():
            return self.inaccessible_callback(name, **kwargs) or abort(403)
        check_admin_query()
        if request.method not in SAFE_METHODS:
            csrf.protect()  # raises CSRFError (400) without a valid token
        return None


PAGE_KINDS = {"create_view": _l("New"), "edit_view": _l("Edit"), "details_view": _l("Details")}


def page_heading(view) -> str:
    """The h1 (and <title>) of an admin page that names none itself: the view's name, and for a model
    view's form or detail page what the page does ("Personen: Bearbeiten")."""
    name = str(view.name)
    kind = PAGE_KINDS.get((request.endpoint or "").rsplit(".", 1)[-1])
    return f"{name}: {kind}" if kind else name


class SecureBaseView(SecureMixin, BaseView):
    pass


def _local_datetime(view, value, name=None) -> str:
    """Stored UTC times shown (and exported) in Osnabrück time, like every other time a person reads."""
    return local_datetime(value)


class SecureModelView(SecureMixin, ModelView):
    form_base_class = CsrfForm
    can_view_details = True
    can_export = False
    page_size = 50
    simple_list_pager = True
    column_type_formatters: ClassVar[dict] = {**typefmt.BASE_FORMATTERS, datetime: _local_datetime}
    column_type_formatters_detail: ClassVar[dict] = {**typefmt.DETAIL_FORMATTERS, datetime: _local_datetime}
    column_type_formatters_export: ClassVar[dict] = {**typefmt.EXPORT_FORMATTERS, datetime: _local_datetime}
    # The kind of personal record this view lists and edits ("person", "household"): every list page and
    # edit form showing such records writes one audit row (caseapp/audit/reads.py). None: no personal data.
    read_audit_type: str | None = None

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        count, data = super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        if self.read_audit_type and execute and request.endpoint == f"{self.endpoint}.index_view":
            audit_read(self.read_audit_type, [self.get_pk_value(m) for m in data], by=current_user,
                       channel="admin", what="list", search=bool(search))
        return count, data

    def on_form_prefill(self, form, id):
        super().on_form_prefill(form, id)
        if self.read_audit_type:
            audit_read(self.read_audit_type, [id], by=current_user, channel="admin", what="edit")

    def get_export_value(self, model, name):
        return neutralise_formula(super().get_export_value(model, name))


class SecureIndexView(SecureMixin, AdminIndexView):
    """The start page: the areas this user may open (as the menu offers them), with roles and offices."""

    allowed_roles = frozenset({"admin", "caseworker", "shelter_manager", "analyst", "auditor"})

    @expose("/")
    def index(self):
        from caseapp.admin.i18n import code_label

        roles = ", ".join(code_label("role", r) for r in sorted(role_names(current_user)))
        offices = ", ".join(sorted(o.name for o in current_user.offices))
        from caseapp.admin.start import panels

        return self.render("admin/start.html", roles=roles, offices=offices, panels=panels(current_user))
