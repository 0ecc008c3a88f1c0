"""Server-side sessions (Flask-Session): idle and absolute limits, and ending a user's sessions at once.

Sessions live in Redis when REDIS_URL is set, else in files in the instance folder (the demo needs no
Redis). The browser holds only a random session id, so deleting the stored session ends it for every
copy of the cookie. Each user's session ids are kept in a small index so deactivating a user can
delete all of them.
"""
from __future__ import annotations

import time

from flask import Flask, current_app, session
from flask_login import user_logged_out
from flask_security import user_authenticated

CREATED = "_caseapp_created"
SEEN = "_caseapp_seen"
INDEX_PREFIX = "caseapp:user-sessions:"


def init_sessions(app: Flask) -> None:
    from caseapp.auth.session_store import make_session_interface

    app.session_interface = make_session_interface(app)  # keyed by an HMAC of the id (session_store.py)
    # First of all before_request functions: nothing an earlier request left in g may speak for this one.
    app.before_request_funcs.setdefault(None, []).insert(0, forget_previous_identity)
    app.before_request(enforce_session_limits)
    app.add_url_rule("/sitzung/verlaengern", "keep_session", keep_session, methods=["POST"])
    user_authenticated.connect(_on_login, app)
    user_logged_out.connect(_on_logout, app)


def forget_previous_identity() -> None:
    """Start every request with an empty g, as production does.

    Flask reuses an application context that is already pushed (the test fixtures keep one for a
    whole test). Flask-Login caches the user in g, Flask-WTF its "CSRF already checked" mark and
    token: left over, the next request would run as the earlier user and skip its CSRF check.
    """
    from flask import g

    for key in list(vars(g)):
        g.pop(key, None)


def _interface():
    return current_app.session_interface


def _index_key(user) -> str:
    return f"{INDEX_PREFIX}{user.id}"


def _index_get(key: str) -> set[str]:
    iface = _interface()
    if hasattr(iface, "client"):  # Redis
        return {m.decode() for m in iface.client.smembers(key)}
    return set(iface.cache.get(key) or ())


def _index_put(key: str, sids: set[str]) -> None:
    iface = _interface()
    lifetime = int(current_app.permanent_session_lifetime.total_seconds())
    if hasattr(iface, "client"):
        pipe = iface.client.pipeline()
        pipe.delete(key)
        if sids:
            pipe.sadd(key, *sids)
            pipe.expire(key, lifetime)
        pipe.execute()
    elif sids:
        iface.cache.set(key, sorted(sids), timeout=lifetime)
    else:
        iface.cache.delete(key)


def _store_id(sid: str) -> str:
    return _interface()._get_store_id(sid)


def _delete_stored(store_id: str) -> None:
    _interface()._delete_session(store_id)


def _on_login(sender, user, **kwargs) -> None:
    # A fresh id at login: a session id planted before login (fixation) is worth nothing after it.
    _delete_stored(_store_id(session.sid))
    session.sid = _interface()._generate_sid(_interface().sid_length)
    session.modified = True
    now = time.time()
    session[CREATED] = now
    session[SEEN] = now
    key = _index_key(user)
    # The index holds store ids (HMACs), never session ids: reading Redis yields no cookie.
    _index_put(key, _index_get(key) | {_store_id(session.sid)})


def _on_logout(sender, user, **kwargs) -> None:
    """Logout deletes the stored session; the cookie's old id then points at nothing."""
    old = _store_id(session.sid)
    _delete_stored(old)
    session.clear()
    session.sid = _interface()._generate_sid(_interface().sid_length)
    if user is not None and getattr(user, "id", None) is not None:
        key = _index_key(user)
        _index_put(key, _index_get(key) - {old})
        from caseapp.auth.tokens import revoke_tokens

        revoke_tokens(user)


def end_user_sessions(user) -> int:
    """Delete every stored session of the user (deactivation, password reset by an admin)."""
    key = _index_key(user)
    store_ids = _index_get(key)
    for store_id in store_ids:
        _delete_stored(store_id)
    _index_put(key, set())
    from caseapp.auth.tokens import revoke_tokens

    revoke_tokens(user)
    return len(store_ids)


def session_ended_reason() -> str | None:
    """Why the current session must end now ("idle" or "absolute"), or None while it is valid."""
    created, seen = session.get(CREATED), session.get(SEEN)
    if created is None or seen is None:
        return None
    now = time.time()
    if now - created > current_app.permanent_session_lifetime.total_seconds():
        return "absolute"
    if now - seen > current_app.config["CASEAPP_SESSION_IDLE_TIMEOUT"].total_seconds():
        return "idle"
    return None


def enforce_session_limits() -> None:
    """Before each request: end a session past its idle or absolute limit, else note the activity."""
    if "_user_id" not in session:
        return
    reason = session_ended_reason()
    if reason:
        from flask import g
        from flask_security import logout_user

        g.caseapp_logout_reason = reason
        logout_user()
        return
    now = time.time()
    idle = current_app.config["CASEAPP_SESSION_IDLE_TIMEOUT"].total_seconds()
    # Writing the store on every request is wasteful; a tenth of the idle limit is precise enough.
    if now - session.get(SEEN, 0) > min(60.0, idle / 10):
        session[SEEN] = now


def keep_session():
    """POST /sitzung/verlaengern: the "extend the session" button of the warning before the idle logout
    (WCAG 2.2.1, static/js/a11y.js). Who: any logged-in user (204; the request itself is the activity that
    enforce_session_limits counts); anyone else 401. CSRF-checked like every POST; it reads and shows no
    data and never extends past the absolute session limit."""
    from flask import session
    from flask_security import current_user

    from caseapp.extensions import csrf

    csrf.protect()  # CSRFError (400) without a valid token, as in every admin form
    if not current_user.is_authenticated:
        return "", 401

    session[SEEN] = time.time()
    return "", 204
