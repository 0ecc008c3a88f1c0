"""Admin views for users, roles and offices (admin only); thin: every change goes through auth.operations."""
from __future__ import annotations

from flask import flash
from flask_admin.actions import action
from flask_admin.helpers import get_form_data
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_security import current_user
from wtforms import PasswordField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from caseapp.admin.base import CsrfForm, SecureModelView
from caseapp.admin.i18n import LazyRole, role_text
from caseapp.auth import operations
from caseapp.auth.models import Role, User
from caseapp.auth.roles import MANAGE_USERS, ROLES
from caseapp.extensions import db
from caseapp.localtime import local_datetime
from caseapp.offices.models import Office


class UserForm(CsrfForm):
    email = StringField(_l("E-mail address"), [DataRequired(), Length(max=255)])
    password = PasswordField(_l("Password (at least 12 characters)"), [Optional()])
    role_names = SelectMultipleField(
        _l("Roles"), choices=[SelectChoice(name, LazyRole(name)) for name in ROLES]
    )
    office_codes = SelectMultipleField(_l("Offices"), choices=[])


def _office_choices():
    return [
        SelectChoice(o.code, f"{o.name} ({o.code})")
        for o in db.session.scalars(db.select(Office).order_by(Office.code))
    ]


def _run(change) -> bool:
    """Run one operation and commit; show its refusal as a German message instead of an error page."""
    try:
        change()
        db.session.commit()
        return True
    except operations.UserAdminError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return False


def _when(value) -> str:
    """A stored (UTC) time as Germans in Osnabrück read it (25.11.2026 16:00), or empty."""
    return local_datetime(value)


def _when_of(field: str):
    """A list formatter showing one datetime column of the user in German."""
    return lambda v, c, user, n: _when(getattr(user, field))


class UserView(SecureModelView):
    allowed_roles = MANAGE_USERS
    can_delete = False  # the audit trail names users: deactivate instead
    column_list = ("email", "active", "roles", "offices", "last_login_at", "login_count", "tf_primary_method")
    # Never the password hash, the TOTP secret or the uniquifier.
    column_details_list = column_list + ("current_login_at", "create_datetime", "update_datetime")
    column_searchable_list = ("email",)
    column_filters = ("active",)
    column_default_sort = "email"
    column_labels = {
        "email": _l("E-mail address"), "active": _l("Active"), "roles": _l("Roles"), "offices": _l("Offices"),
        "last_login_at": _l("Last login"), "current_login_at": _l("Current login"),
        "login_count": _l("Logins"), "tf_primary_method": _l("Second factor"),
        "create_datetime": _l("Created"), "update_datetime": _l("Changed"),
    }
    column_formatters = {
        "roles": lambda v, c, user, n: ", ".join(role_text(r.name) for r in user.roles),
        "active": lambda v, c, user, n: _("yes") if user.active else _("no"),
        "tf_primary_method": lambda v, c, user, n: {
            "authenticator": _("Authenticator app"), "email": _("E-mail"), "sms": _("SMS"),
        }.get(user.tf_primary_method or "", _("none")),
        **{name: _when_of(name)
           for name in ("last_login_at", "current_login_at", "create_datetime", "update_datetime")},
    }
    column_formatters_detail = column_formatters
    form = UserForm

    def _form(self, user=None):
        data = get_form_data()
        form = UserForm(data)
        form.office_codes.choices = _office_choices()
        if user is not None and not data:
            form.email.data = user.email
            form.role_names.data = [r.name for r in user.roles]
            form.office_codes.data = sorted(user.office_codes)
        return form

    def create_form(self, obj=None):
        form = self._form()
        form.password.validators = [DataRequired()]
        return form

    def edit_form(self, obj=None):
        form = self._form(obj)
        form.email.render_kw = {"readonly": True}
        form.password.label.text = _("New password (leave empty: unchanged)")
        return form

    def create_model(self, form):
        created = []

        def change():
            created.append(operations.create_user(
                form.email.data, form.password.data, roles=form.role_names.data,
                offices=form.office_codes.data, by=current_user._get_current_object()))

        return created[0] if _run(change) else False

    def update_model(self, form, model):
        by = current_user._get_current_object()

        def change():
            operations.update_user(model, roles=form.role_names.data, offices=form.office_codes.data, by=by)
            if form.password.data:
                operations.reset_password(model, form.password.data, by=by)

        return _run(change)

    def _users(self, ids):
        return db.session.scalars(db.select(User).where(User.id.in_([int(i) for i in ids]))).all()

    @action("deactivate", _l("Deactivate"), _l("Deactivate the selected accounts and end their sessions?"))
    def action_deactivate(self, ids):
        by = current_user._get_current_object()
        users = self._users(ids)
        if _run(lambda: [operations.deactivate_user(u, by=by) for u in users]):
            flash(_("%(n)s account(s) deactivated, sessions ended.", n=len(users)), "success")

    @action("activate", _l("Activate"))
    def action_activate(self, ids):
        by = current_user._get_current_object()
        users = self._users(ids)
        if _run(lambda: [operations.activate_user(u, by=by) for u in users]):
            flash(_("%(n)s account(s) activated.", n=len(users)), "success")


class RoleForm(CsrfForm):
    description = TextAreaField(_l("Description"), [Length(max=255)])


class RoleView(SecureModelView):
    """The five roles are fixed by the code (auth/roles.py); only their description is editable."""

    allowed_roles = MANAGE_USERS
    can_create = False
    can_delete = False
    column_list = ("name", "description")
    column_details_list = ("name", "description", "update_datetime")
    column_labels = {"name": _l("Role"), "description": _l("Description"), "update_datetime": _l("Changed")}
    column_formatters = {"name": lambda v, c, role, n: role_text(role.name),
                         "update_datetime": lambda v, c, role, n: _when(role.update_datetime)}
    form = RoleForm

    def update_model(self, form, model):
        by = current_user._get_current_object()
        return _run(lambda: operations.update_role_description(model, form.description.data, by=by))


class OfficeForm(CsrfForm):
    code = StringField(_l("Code"), [DataRequired(), Length(max=10)])
    name = StringField(_l("Name"), [DataRequired(), Length(max=100)])


class OfficeView(SecureModelView):
    allowed_roles = MANAGE_USERS
    can_delete = False  # persons and users refer to offices
    column_list = ("code", "name", "members")
    column_labels = {"code": _l("Code"), "name": _l("Name"), "members": _l("Members")}
    column_default_sort = "code"
    form = OfficeForm

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form.code.render_kw = {"readonly": True}
        return form

    def create_model(self, form):
        saved = []
        by = current_user._get_current_object()
        ok = _run(lambda: saved.append(operations.save_office(form.code.data, form.name.data, by=by)))
        return saved[0] if ok else False

    def update_model(self, form, model):
        by = current_user._get_current_object()
        return _run(lambda: operations.save_office(model.code, form.name.data, by=by, existing=model))


def register(admin) -> None:
    """Adds this area's views to the admin."""
    admin.add_view(UserView(User, db, name=_l("Users"), endpoint="users",
                            category=_l("Administration")))
    admin.add_view(RoleView(Role, db, name=_l("Roles"), endpoint="roles", category=_l("Administration")))
    admin.add_view(OfficeView(Office, db, name=_l("Offices"), endpoint="offices",
                              category=_l("Administration")))
