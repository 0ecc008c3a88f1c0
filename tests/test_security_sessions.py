"""Server-side sessions: logout and deactivation end them at once; idle and absolute limits; fixation."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest

from tests.conftest import TEST_PASSWORD


@pytest.fixture()
def redis_sessions(app, redis_url):
    """The app's sessions in a real Redis for this test (production's store), then back to files."""
    import redis

    client = redis.Redis.from_url(redis_url)
    previous = app.session_interface
    from caseapp.auth.session_store import make_session_interface

    app.session_interface = make_session_interface(app, client=client, key_prefix="caseapp:test-session:")
    yield client
    app.session_interface = previous


def _cookie(client):
    cookie = client.get_cookie("caseapp_session")
    return cookie.value if cookie else None


def _login(app, user):
    c = app.test_client()
    resp = c.post("/login", json={"email": user.email, "password": TEST_PASSWORD})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return c


def _copy_with_cookie(app, sid):
    other = app.test_client()
    other.set_cookie("caseapp_session", sid)
    return other


def test_session_id_changes_at_login(app, factory):
    user = factory.user(role="caseworker")
    c = app.test_client()
    c.get("/login")
    before = _cookie(c)
    c.post("/login", json={"email": user.email, "password": TEST_PASSWORD})
    after = _cookie(c)
    assert before and after and before != after
    # The id planted before the login does not carry the login.
    assert _copy_with_cookie(app, before).get("/admin/").status_code == 302


def test_logout_ends_the_stored_session_for_every_copy_of_the_cookie(app, factory, redis_sessions):
    user = factory.user(role="caseworker")
    c = _login(app, user)
    sid = _cookie(c)
    assert redis_sessions.exists(app.session_interface._get_store_id(sid))
    stolen = _copy_with_cookie(app, sid)
    assert stolen.get("/admin/").status_code == 200

    token = c.get("/login", json={}).get_json()["response"]["csrf_token"]
    assert c.post("/logout", headers={"X-CSRF-Token": token}).status_code in (200, 302)

    assert not redis_sessions.exists(app.session_interface._get_store_id(sid))
    assert stolen.get("/admin/").status_code == 302  # back to the login page


def test_deactivating_a_user_ends_all_their_sessions_at_once(app, db, factory, redis_sessions):
    from caseapp.auth import operations

    admin = factory.user(role="admin")
    user = factory.user(role="caseworker")
    browser1, browser2 = _login(app, user), _login(app, user)
    sids = [_cookie(browser1), _cookie(browser2)]
    assert all(redis_sessions.exists(app.session_interface._get_store_id(s)) for s in sids)

    with app.test_request_context():
        operations.deactivate_user(user, by=admin)
        db.session.commit()

    assert not any(redis_sessions.exists(app.session_interface._get_store_id(s)) for s in sids)
    assert browser1.get("/admin/").status_code == 302
    assert browser2.get("/admin/").status_code == 302


def test_deactivated_user_cannot_log_in_again(app, db, factory):
    from caseapp.auth import operations

    admin, user = factory.user(role="admin"), factory.user(role="caseworker")
    with app.test_request_context():
        operations.deactivate_user(user, by=admin)
    resp = app.test_client().post("/login", json={"email": user.email, "password": TEST_PASSWORD})
    assert resp.status_code == 400


def test_idle_session_ends(app, factory, monkeypatch):
    monkeypatch.setitem(app.config, "CASEAPP_SESSION_IDLE_TIMEOUT", timedelta(seconds=1))
    user = factory.user(role="caseworker")
    c = _login(app, user)
    assert c.get("/admin/").status_code == 200
    time.sleep(1.3)
    assert c.get("/admin/").status_code == 302


def test_activity_keeps_the_session_alive_until_the_absolute_limit(app, factory, monkeypatch):
    # Margins wide enough for a loaded machine (a request may take half a second there): idle limit 2 s,
    # absolute limit 4 s; a request every ~1 s is never idle for 2 s.
    monkeypatch.setitem(app.config, "CASEAPP_SESSION_IDLE_TIMEOUT", timedelta(seconds=2))
    monkeypatch.setattr(app, "permanent_session_lifetime", timedelta(seconds=4))
    user = factory.user(role="caseworker")
    c = _login(app, user)
    logged_in = time.monotonic()
    while time.monotonic() - logged_in < 3.0:
        time.sleep(0.8)
        assert c.get("/admin/").status_code == 200
    time.sleep(max(0.0, 4.5 - (time.monotonic() - logged_in)))  # past the absolute limit, never idle
    assert c.get("/admin/").status_code == 302


def test_expired_session_cannot_be_revived_by_its_old_cookie(app, factory):
    from caseapp.auth.sessions import CREATED

    user = factory.user(role="caseworker")
    c = _login(app, user)
    sid = _cookie(c)
    with c.session_transaction() as sess:
        sess[CREATED] = time.time() - app.permanent_session_lifetime.total_seconds() - 5
    assert c.get("/admin/").status_code == 302
    assert _copy_with_cookie(app, sid).get("/admin/").status_code == 302


def test_session_cookie_is_http_only_and_same_site(app, factory):
    user = factory.user(role="caseworker")
    c = app.test_client()
    resp = c.post("/login", json={"email": user.email, "password": TEST_PASSWORD})
    header = resp.headers.get("Set-Cookie")
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "remember_token" not in str(resp.headers)


def test_redis_is_the_store_when_redis_url_is_set(tmp_path):
    from caseapp.config import load_config

    assert (
        load_config(str(tmp_path), {"TESTING": True, "REDIS_URL": "redis://x:6379/0"})["SESSION_TYPE"]
        == "redis"
    )
    assert load_config(str(tmp_path), {"TESTING": True, "REDIS_URL": None})["SESSION_TYPE"] == "cachelib"


def test_redis_holds_no_session_id_and_no_usable_key(app, factory, redis_sessions):
    """Whoever lists Redis's keys and values (SCAN, a dump) finds no cookie value: keys are HMACs of the
    id."""
    user = factory.user(role="caseworker")
    c = _login(app, user)
    c.get("/api/v1/shelters/1", headers={"Authentication-Token": "x"})
    sid = _cookie(c)
    keys = [k.decode() for k in redis_sessions.scan_iter("caseapp:*")]
    assert keys and not any(sid in k for k in keys)
    for key in keys:
        kind = redis_sessions.type(key).decode()
        values = ([redis_sessions.get(key)] if kind == "string" else list(redis_sessions.smembers(key))
                  if kind == "set" else [])
        assert not any(sid.encode() in v for v in values if v), key
    for key in keys:  # a key taken as a cookie is worth nothing
        if key.startswith("caseapp:test-session:"):
            assert (
                _copy_with_cookie(app, key.removeprefix("caseapp:test-session:")).get("/admin/").status_code
                == 302
            )
    assert _copy_with_cookie(app, sid).get("/admin/").status_code == 200


def test_anonymous_requests_store_no_session_or_a_short_one(app, redis_sessions):
    """Pages without a login store nothing; the login page's CSRF token lives minutes, not eight hours."""
    before = set(redis_sessions.scan_iter("caseapp:test-session:*"))
    c = app.test_client()
    for path in ("/", "/admin/", "/admin/person/", "/api/v1/persons/1", "/static/x.css", "/nope"):
        c.get(path)
    assert set(redis_sessions.scan_iter("caseapp:test-session:*")) == before
    c.get("/login")
    new = set(redis_sessions.scan_iter("caseapp:test-session:*")) - before
    assert len(new) == 1
    ttl = redis_sessions.ttl(new.pop())
    assert 0 < ttl <= app.config["CASEAPP_ANONYMOUS_SESSION_MINUTES"] * 60


def test_extending_the_session_needs_a_login_and_a_csrf_token(app, factory):
    """POST /sitzung/verlaengern (the idle warning's button): 204 for a logged-in user, 401 for anyone else,
    400 without the CSRF token; it shows nothing."""
    import re

    user = factory.user(role="caseworker")
    c = _login(app, user)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', c.get("/admin/").get_data(as_text=True))[1]
    assert c.post("/sitzung/verlaengern", data={"csrf_token": token}).status_code == 204
    assert c.post("/sitzung/verlaengern").status_code == 400
    anonymous = app.test_client()
    login_page = anonymous.get("/login").get_data(as_text=True)
    anon_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page)[1]
    resp = anonymous.post("/sitzung/verlaengern", data={"csrf_token": anon_token})
    assert resp.status_code == 401 and resp.get_data() == b""
