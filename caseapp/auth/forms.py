"""Login and two-factor forms that refuse locked accounts and count failures (see throttle.py).

A locked account name, a locked client address and an unknown name all get the same answer, and
a locked attempt never reaches the password check, so guessing stops even with the right password.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import after_this_request, request
from flask_babel import lazy_gettext as _l
from flask_security import current_user, hash_password
from flask_security.forms import ChangePasswordForm, LoginForm, TwoFactorVerifyCodeForm, VerifyForm
from flask_security.utils import get_message

from caseapp.audit.operations import record
from caseapp.auth.throttle import client_address, throttle
from caseapp.extensions import db

LOCKED_MESSAGE = _l("Too many failed login attempts. Login is blocked for a while; please try again later.")


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
            self.form_errors.append(str(LOCKED_MESSAGE))
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
            self.form_errors.append(str(LOCKED_MESSAGE))
            return False
        ok = super().validate(**kwargs)
        if not ok and not self.is_setup and self.code.data:
            throttle().failed(name, client_address())
            audit_failed_login("code")
        spent = (ok and not self.is_setup and self.user is not None
                 and not _first_use_of_code(self.user, self.code.data))
        if spent:
            # A code seen once (over a shoulder, by a proxy, phished) is spent, also within its 30 s window.
            self.code.errors = [*self.code.errors, str(REPLAY_MESSAGE)]
            throttle().failed(name, client_address())
            audit_failed_login("code_replay")
            return False
        return ok


REPLAY_MESSAGE = _l("This code has already been used. Please wait for the next code.")
CODE_MEMORY_SECONDS = 150  # longer than a code's window including the accepted clock drift


def _first_use_of_code(user, code: str | None) -> bool:
    """Remember (under an HMAC, in the session store) that this user's code was used; False if it was."""
    from caseapp.auth.tokens import store_alive, store_key, store_set

    key = store_key("totp-used", hmac.new(user.fs_uniquifier.encode(), (code or "").strip().encode(),
                                          hashlib.sha256).hexdigest())
    if store_alive(key):
        return False
    store_set(key, CODE_MEMORY_SECONDS)
    return True


def _throttled_password_step(form, step: str, check, user) -> bool:
    """Re-authentication (/verify) and password change (/change): locked like the login, each failure
    counted and audited, each success audited."""
    name = getattr(user, "email", None)
    if request.method == "POST" and throttle().is_locked(name, client_address()):
        hash_password(form.password.data or "x")
        form.form_errors.append(str(LOCKED_MESSAGE))
        audit_failed_login(f"{step}_locked")
        return False
    ok = check()
    invalid = get_message("INVALID_PASSWORD")[0]
    if not ok and form.password.data and invalid in (form.password.errors or []):
        throttle().failed(name, client_address())
        audit_failed_login(step)
    if ok and user is not None and request.method == "POST":
        record("change_password" if step == "change" else "verify", "user", user.id, by=user, channel="web")
        after_this_request(_commit_after_request)
    return ok


class ThrottledVerifyForm(VerifyForm):
    def validate(self, **kwargs) -> bool:
        return _throttled_password_step(
            self, "verify", lambda: super(ThrottledVerifyForm, self).validate(**kwargs), self.user)


class ThrottledChangePasswordForm(ChangePasswordForm):
    def validate(self, **kwargs) -> bool:
        user = current_user._get_current_object() if current_user.is_authenticated else None
        return _throttled_password_step(
            self, "change", lambda: super(ThrottledChangePasswordForm, self).validate(**kwargs), user)
