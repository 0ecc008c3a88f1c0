"""Where sessions are stored: Redis keys (or cache files) named by an HMAC of the session id, not the id.

Flask-Session names each stored session after the id in the browser's cookie, so whoever can list the
keys of Redis (a SCAN, a copy of its dump file) holds every live cookie. Here the key is
HMAC-SHA256(SECRET_KEY, id): the store alone yields no usable cookie. An anonymous session (the login
page's CSRF token) lives `CASEAPP_ANONYMOUS_SESSION_MINUTES` (default 15), not the eight hours of a
signed-in one, so requests without a login cannot fill Redis.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from cachelib import FileSystemCache
from flask import Flask
from flask_session.cachelib import CacheLibSessionInterface
from flask_session.redis import RedisSessionInterface


class KeyedStoreMixin:
    hmac_key: bytes = b""
    anonymous_lifetime = timedelta(minutes=15)

    def _get_store_id(self, sid: str) -> str:
        digest = hmac.new(self.hmac_key, sid.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"{self.key_prefix}{digest}"

    def _upsert_session(self, session_lifetime, session, store_id) -> None:
        if "_user_id" not in session:
            session_lifetime = min(session_lifetime, self.anonymous_lifetime)
        super()._upsert_session(session_lifetime, session, store_id)


class KeyedRedisSessionInterface(KeyedStoreMixin, RedisSessionInterface):
    pass


class KeyedFileSessionInterface(KeyedStoreMixin, CacheLibSessionInterface):
    pass


def session_key(app: Flask) -> bytes:
    return hmac.new(app.secret_key.encode("utf-8"), b"caseapp session store id", hashlib.sha256).digest()


def make_session_interface(app: Flask, client=None, key_prefix: str | None = None):
    """The app's session store: Redis when REDIS_URL is set (or `client` is given), else files."""
    prefix = key_prefix or app.config["SESSION_KEY_PREFIX"]
    options = {"key_prefix": prefix, "permanent": app.config["SESSION_PERMANENT"]}
    if client is not None or app.config["SESSION_TYPE"] == "redis":
        if client is None:
            import redis

            client = redis.Redis.from_url(app.config["REDIS_URL"])
        iface = KeyedRedisSessionInterface(app, client=client, **options)
    else:
        cache = FileSystemCache(app.config["CASEAPP_SESSION_DIR"], threshold=10000, mode=0o600)
        iface = KeyedFileSessionInterface(app, client=cache, **options)
    iface.hmac_key = session_key(app)
    iface.anonymous_lifetime = timedelta(minutes=app.config["CASEAPP_ANONYMOUS_SESSION_MINUTES"])
    return iface
