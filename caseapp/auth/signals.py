"""Audit rows for logins and logouts, from Flask-Security-Too's and Flask-Login's signals.

Failed logins are recorded by the login form itself (caseapp/auth/forms.py), without what was typed
and without saying whether the account exists.
"""
from __future__ import annotations

from flask import Flask, after_this_request, g, has_request_context
from flask_login import user_logged_out
from flask_security import user_authenticated

from caseapp.audit.operations import record
from caseapp.extensions import db


def _commit(response):
    db.session.commit()
    return response


def _on_login(sender, user, authn_via=None, **kwargs) -> None:
    via = ",".join(authn_via or ())
    record("login", "user", user.id, by=user, channel="web", detail=f"via={via}" if via else None)
    if has_request_context():
        after_this_request(_commit)


def _on_logout(sender, user, **kwargs) -> None:
    if user is None or getattr(user, "id", None) is None:
        return
    reason = g.get("caseapp_logout_reason")
    record("logout", "user", user.id, by=user, channel="web", detail=f"reason={reason}" if reason else None)
    if has_request_context():
        after_this_request(_commit)


def init_audit_signals(app: Flask) -> None:
    user_authenticated.connect(_on_login, app)
    user_logged_out.connect(_on_logout, app)
