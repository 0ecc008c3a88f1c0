"""Login throttling: counts failed logins per account name and per client address, and locks both.

Flask-Security-Too has no lockout of its own. The counters are keyed by the account name as typed
(whether or not such an account exists) and by the client address, so a locked name answers exactly
like a locked unknown name. Storage is Redis when REDIS_URL is set, else process memory (the demo).
"""
from __future__ import annotations

import hashlib

from flask import Flask, current_app, request
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

EXTENSION = "caseapp_throttle"


class LoginThrottle:
    def __init__(self, app: Flask):
        self.storage = storage_from_string(app.config["CASEAPP_THROTTLE_STORAGE"])
        self.limiter = MovingWindowRateLimiter(self.storage)
        window = int(app.config["CASEAPP_LOGIN_LOCKOUT_MINUTES"] * 60)
        self.account_item = RateLimitItemPerSecond(app.config["CASEAPP_LOGIN_MAX_FAILURES_ACCOUNT"], window)
        self.ip_item = RateLimitItemPerSecond(app.config["CASEAPP_LOGIN_MAX_FAILURES_IP"], window)

    @staticmethod
    def account_key(name: str | None) -> str:
        # Hashed so the store never holds what someone typed (it may be a password typed in the wrong field).
        normalised = (name or "").strip().lower()
        return "acct:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:32]

    @staticmethod
    def ip_key(address: str | None) -> str:
        return "ip:" + (address or "unknown")

    def is_locked(self, name: str | None, address: str | None) -> bool:
        account_ok = name is None or self.limiter.test(
            self.account_item, "caseapp-login", self.account_key(name)
        )
        ip_ok = self.limiter.test(self.ip_item, "caseapp-login", self.ip_key(address))
        return not (account_ok and ip_ok)

    def failed(self, name: str | None, address: str | None) -> None:
        if name is not None:
            self.limiter.hit(self.account_item, "caseapp-login", self.account_key(name))
        self.limiter.hit(self.ip_item, "caseapp-login", self.ip_key(address))

    def succeeded(self, name: str | None) -> None:
        """A correct login clears the account's counter (not the address's: a guesser may be next door)."""
        if name is not None:
            self.limiter.clear(self.account_item, "caseapp-login", self.account_key(name))

    def reset(self, name: str | None = None, address: str | None = None) -> None:
        if name is not None:
            self.limiter.clear(self.account_item, "caseapp-login", self.account_key(name))
        if address is not None:
            self.limiter.clear(self.ip_item, "caseapp-login", self.ip_key(address))


def init_throttle(app: Flask) -> LoginThrottle:
    throttle = LoginThrottle(app)
    app.extensions[EXTENSION] = throttle
    return throttle


def throttle() -> LoginThrottle:
    return current_app.extensions[EXTENSION]


def client_address() -> str | None:
    # Behind a proxy, run gunicorn with --forwarded-allow-ips or wrap the app in ProxyFix so this is
    # the real client, not the proxy (else one guesser locks out the whole city hall).
    return request.remote_addr
