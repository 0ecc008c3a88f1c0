"""API tokens: only in the `Authentication-Token` header, only under /api/, idle limit, ended at logout.

Flask-Security-Too's tokens are signed and live `SECURITY_TOKEN_MAX_AGE`; on their own they are also
read from `?auth_token=` (which proxies log) and from JSON bodies, on every page, and nothing ends them
before they expire. Here each token carries a random id that is registered in the session store (under
an HMAC of the id, as sessions are) with the idle limit of sessions as its lifetime; each use renews it,
logout deletes every token of the user, and only the header is read, only on /api/ paths.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Flask, current_app
from flask_security.proxies import _security
from flask_security.utils import get_request_attr, parse_auth_token, set_request_attr

TOKEN_PREFIX = "caseapp:token:"
INDEX_PREFIX = "caseapp:user-tokens:"


def _iface():
    return current_app.session_interface


def _key(token_id: str) -> str:
    digest = hmac.new(_iface().hmac_key, b"token:" + token_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return TOKEN_PREFIX + digest


def _idle_seconds() -> int:
    return int(current_app.config["CASEAPP_SESSION_IDLE_TIMEOUT"].total_seconds())


def _set(key: str, seconds: int) -> None:
    iface = _iface()
    if hasattr(iface, "client"):
        iface.client.set(key, b"1", ex=seconds)
    else:
        iface.cache.set(key, 1, timeout=seconds)


def _alive(key: str) -> bool:
    iface = _iface()
    if hasattr(iface, "client"):
        return bool(iface.client.exists(key))
    return iface.cache.get(key) is not None


def _delete(key: str) -> None:
    iface = _iface()
    if hasattr(iface, "client"):
        iface.client.delete(key)
    else:
        iface.cache.delete(key)


def store_key(kind: str, digest: str) -> str:
    return f"caseapp:{kind}:{digest}"


store_set, store_alive = _set, _alive  # small flags with a lifetime, beside the sessions (auth/forms.py)


def register_token(user, tdata: dict) -> None:
    """Called when Flask-Security makes a token (User.augment_auth_token): give it a live server record."""
    from caseapp.auth.sessions import _index_get, _index_put

    token_id = secrets.token_urlsafe(24)
    tdata["tid"] = token_id
    key = _key(token_id)
    _set(key, _idle_seconds())
    index = f"{INDEX_PREFIX}{user.id}"
    _index_put(index, _index_get(index) | {key})


def token_is_alive(tdata: dict) -> bool:
    """User.verify_auth_token: the token's record exists (not idle too long, not logged out); renew it."""
    token_id = tdata.get("tid")
    if not isinstance(token_id, str):
        return False
    key = _key(token_id)
    if not _alive(key):
        return False
    _set(key, _idle_seconds())
    return True


def revoke_tokens(user) -> int:
    """Every API token of the user stops working now (logout, deactivation, password reset)."""
    from caseapp.auth.sessions import _index_get, _index_put

    index = f"{INDEX_PREFIX}{user.id}"
    keys = _index_get(index)
    for key in keys:
        _delete(key)
    _index_put(index, set())
    return len(keys)


def _header_token_loader(req):
    """Flask-Login's request loader: the token from the header, on /api/ paths only."""
    if get_request_attr("fs_authn_via") == "token":
        from flask import g

        return g._login_user
    if not (req.path == "/api" or req.path.startswith("/api/")):
        return None
    token = req.headers.get(current_app.config["SECURITY_TOKEN_AUTHENTICATION_HEADER"])
    if not token:
        return None
    try:
        tdata = parse_auth_token(token)
        user = _security.datastore.find_user(fs_uniquifier=tdata["uid"])
    except Exception:  # noqa: BLE001 - any unreadable, forged or expired token is simply no login
        return None
    if user and user.active and user.verify_auth_token(tdata):
        set_request_attr("fs_authn_via", "token")
        return user
    return None


def init_tokens(app: Flask) -> None:
    from caseapp.extensions import security

    security.login_manager.request_loader(_header_token_loader)
