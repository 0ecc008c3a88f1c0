"""Login and two-factor forms that refuse locked accounts and count failures (see throttle.py).

A locked account name, a locked client address and an unknown name all get the same answer, and
a locked attempt never reaches the password check, so guessing stops even with the right password.
"""
from __future__ import annotations

from flask import after_this_request, request
from flask_security import hash_password
from flask_security.forms import LoginForm, TwoFactorVerifyCodeForm

from caseapp.audit.operations import record
from caseapp.auth.throttle import client_address, throttle
from caseapp.extensions import db

LOCKED_MESSAGE = (
    "Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist vorübergehend gesperrt; "
    "bitte versuchen Sie es später erneut."
)


def _commit_after_request(response):
    db.session.commit()
    return response


def audit_failed_login(step: str) -> None:
    """One audit row per failed attempt: the step and the client address, never what was typed."""
    record("login_failed", "session", None, channel="web", detail=f"step={step} ip={client_address()}")
    after_this_request(_commit_after_request)


class ThrottledLoginForm(LoginForm):
    # No "remember me": a long-lived cookie would outlive the idle and absolute session limits.
    remember = None

    def validate(self, **kwargs) -> bool:
        name = self.email.data if self.email is not None else None
        if request.method == "POST" and throttle().is_locked(name, client_address()):
            # Spend the time a password check costs, so timing does not tell locked from wrong.
            hash_password(self.password.data or "x")
            self.form_errors.append(LOCKED_MESSAGE)
            return False
        ok = super().validate(**kwargs)
        if ok:
            throttle().succeeded(name)
            return True
        csrf_failed = bool(getattr(getattr(self, "csrf_token", None), "errors", None))
        if name and self.password.data and not csrf_failed:
            throttle().failed(name, client_address())
            audit_failed_login("password")
        return False


class ThrottledTwoFactorForm(TwoFactorVerifyCodeForm):
    """The second step: its six-digit code must not be guessable either."""

    def validate(self, **kwargs) -> bool:
        name = self.user.email if self.user is not None else None
        if request.method == "POST" and not self.is_setup and throttle().is_locked(name, client_address()):
            self.form_errors.append(LOCKED_MESSAGE)
            return False
        ok = super().validate(**kwargs)
        if not ok and not self.is_setup and self.code.data:
            throttle().failed(name, client_address())
            audit_failed_login("code")
        return ok
