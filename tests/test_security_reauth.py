"""The steps after the login (issue 13, item 16): a two-factor code is spent once; re-authentication
(/verify) and password change (/change) are throttled like the login and audited."""
from __future__ import annotations

import time

from sqlalchemy import select

from tests.conftest import TEST_PASSWORD
from tests.test_security_login import throttle  # noqa: F401 (fixture)


def _csrf(c) -> dict:
    return {"X-CSRF-Token": c.get("/login", json={}).get_json()["response"]["csrf_token"]}


def _audit(db, action, user_id=None, detail_part=None):
    from caseapp.audit.models import AuditEvent

    stmt = select(AuditEvent).where(AuditEvent.action == action)
    if user_id is not None:
        stmt = stmt.where(AuditEvent.user_id == user_id)
    rows = db.session.scalars(stmt).all()
    return [r for r in rows if detail_part is None or detail_part in (r.detail or "")]


def test_a_two_factor_code_cannot_be_used_twice(app, db, factory, throttle, monkeypatch):  # noqa: F811
    from passlib.totp import TOTP

    monkeypatch.setitem(app.config, "SECURITY_TWO_FACTOR_REQUIRED", True)
    user = factory.user(role="caseworker")
    c = app.test_client()
    c.post("/login", json={"email": user.email, "password": TEST_PASSWORD})
    key = c.post("/tf-setup", json={"setup": "authenticator"}).get_json()["response"]["tf_authr_key"]
    setup_code = TOTP(key=key, format="base32").generate().token
    assert c.post("/tf-validate", json={"code": setup_code}).status_code == 200
    code = TOTP(key=key, format="base32").generate(time.time() + 30).token  # the setup spent the current one

    first = app.test_client()
    first.post("/login", json={"email": user.email, "password": TEST_PASSWORD})
    ok = first.post("/tf-validate", json={"code": code})
    assert ok.status_code == 200, ok.get_data(as_text=True)
    replay = app.test_client()  # someone who saw the code, within its 30 seconds
    replay.post("/login", json={"email": user.email, "password": TEST_PASSWORD})
    resp = replay.post("/tf-validate", json={"code": code})
    assert resp.status_code == 400 and "bereits verwendet" in resp.get_data(as_text=True)
    assert replay.get("/admin/").status_code == 302
    assert _audit(db, "login_failed", detail_part="step=code_replay")


def test_verify_is_throttled_and_audited(app, db, factory, throttle):  # noqa: F811
    user = factory.user(role="caseworker")
    c = app.test_client()
    c.post("/login", json={"email": user.email, "password": TEST_PASSWORD})
    for _ in range(app.config["CASEAPP_LOGIN_MAX_FAILURES_ACCOUNT"]):
        wrong = c.post("/verify", json={"password": "falsch-falsch-falsch"}, headers=_csrf(c))
        assert wrong.status_code == 400
    failures = _audit(db, "login_failed", detail_part="step=verify")
    assert len(failures) == app.config["CASEAPP_LOGIN_MAX_FAILURES_ACCOUNT"]
    locked = c.post("/verify", json={"password": TEST_PASSWORD}, headers=_csrf(c))
    assert locked.status_code == 400 and "gesperrt" in locked.get_data(as_text=True)
    throttle.storage.reset()
    assert c.post("/verify", json={"password": TEST_PASSWORD}, headers=_csrf(c)).status_code == 200
    assert _audit(db, "verify", user.id)


def test_password_change_is_throttled_and_audited(app, db, factory, throttle):  # noqa: F811
    user = factory.user(role="caseworker")
    c = app.test_client()
    c.post("/login", json={"email": user.email, "password": TEST_PASSWORD})
    new = "Neues-Passwort-Fuer-Heute-77"
    body = {"password": "falsch-falsch-falsch", "new_password": new, "new_password_confirm": new}
    for _ in range(app.config["CASEAPP_LOGIN_MAX_FAILURES_ACCOUNT"]):
        assert c.post("/change", json=body, headers=_csrf(c)).status_code == 400
    assert _audit(db, "login_failed", detail_part="step=change")
    locked = c.post("/change", json={**body, "password": TEST_PASSWORD}, headers=_csrf(c))
    assert locked.status_code == 400 and "gesperrt" in locked.get_data(as_text=True)
    throttle.storage.reset()
    assert c.post("/change", json={**body, "password": TEST_PASSWORD}, headers=_csrf(c)).status_code == 200
    assert _audit(db, "change_password", user.id)
