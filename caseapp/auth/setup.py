"""Binds Flask-Security-Too to the app: datastore, throttled forms, CSRF for browser forms, JSON errors."""
from __future__ import annotations

from flask import Flask, g, has_request_context, jsonify, request
from flask_security import SQLAlchemyUserDatastore
from flask_security.core import FormInfo
from flask_security.decorators import default_unauthn_handler, default_unauthz_handler

from caseapp.auth.forms import (
    ThrottledChangePasswordForm,
    ThrottledLoginForm,
    ThrottledTwoFactorForm,
    ThrottledVerifyForm,
)
from caseapp.auth.models import Role, User
from caseapp.extensions import csrf, db, security

user_datastore = SQLAlchemyUserDatastore(db, User, Role)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def _unauthn(mechanisms=None, headers=None):
    if _wants_json():
        return jsonify(error="Anmeldung erforderlich"), 401
    return default_unauthn_handler(mechanisms, headers)


def _unauthz(func_name=None, params=None):
    if _wants_json():
        return jsonify(error="Keine Berechtigung"), 403
    return default_unauthz_handler(func_name, params)


def _with_csrf_for_browsers(instantiator):
    """Flask-Security skips CSRF on its anonymous endpoints (so scripts can POST /login as JSON).

    A JSON body cannot be sent cross-site without the browser asking first, but a form can: so
    every form-encoded request keeps its CSRF check, on the login and two-factor pages too.
    """
    if getattr(instantiator, "caseapp_csrf", False):
        return instantiator

    def instantiate(name, cls=None, *args, **kwargs):
        # Outside a request (the `caseapp users` commands) there is no browser and nothing to protect.
        if has_request_context() and not request.is_json and kwargs.get("meta") == {"csrf": False}:
            kwargs.pop("meta")
            # Flask-Security marked the request "CSRF checked" to skip it; let the form check it.
            g.pop("csrf_valid", None)
        return instantiator(name, cls, *args, **kwargs)

    instantiate.caseapp_csrf = True
    return instantiate


def init_security(app: Flask) -> None:
    csrf.init_app(app)
    security.init_app(
        app,
        user_datastore,
        login_form=ThrottledLoginForm,
        two_factor_verify_code_form=ThrottledTwoFactorForm,
        verify_form=ThrottledVerifyForm,
        change_password_form=ThrottledChangePasswordForm,
    )
    for name, info in list(security.forms.items()):
        security.forms[name] = FormInfo(instantiator=_with_csrf_for_browsers(info.instantiator), cls=info.cls)
    security.unauthn_handler(_unauthn)
    security.unauthz_handler(_unauthz)
    _init_hardening(app)


def _init_hardening(app: Flask) -> None:
    from caseapp.auth.sessions import init_sessions
    from caseapp.auth.signals import init_audit_signals
    from caseapp.auth.throttle import init_throttle
    from caseapp.auth.tokens import init_tokens

    init_throttle(app)
    init_sessions(app)
    init_tokens(app)
    init_audit_signals(app)
