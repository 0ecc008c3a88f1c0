"""Login hardening: lockout that does not reveal accounts, CSRF on the login form, password rules, TOTP."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from tests.conftest import TEST_PASSWORD

ATTACKER = "198.51.100.7"


@pytest.fixture()
def throttle(app):
    """The lockout counters, emptied before and after (they live in the app, not in the database)."""
    store = app.extensions["caseapp_throttle"]
    store.storage.reset()
    yield store
    store.storage.reset()


def _post_json(app, email, password, ip=ATTACKER):
    c = app.test_client()
    return c.post("/login", json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


def _post_form(app, email, password, ip=ATTACKER):
    """A browser login: fetch the form (and its CSRF token), then submit it."""
    c = app.test_client()
    page = c.get("/login", environ_base={"REMOTE_ADDR": ip}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return c.post("/login", data={"email": email, "password": password, "csrf_token": token},
                  environ_base={"REMOTE_ADDR": ip})


def _comparable(resp) -> tuple[int, str]:
    body = re.sub(r'value="[^"]*"', 'value=""', resp.get_data(as_text=True))  # tokens and the typed e-mail
    body = re.sub(r'nonce="[^"]*"', "", body)
    body = re.sub(r'"csrf_token": "[^"]*"', "", body)
    return resp.status_code, body


def test_wrong_password_and_unknown_account_answer_alike(app, factory, throttle):
    user = factory.user(role="caseworker")
    existing = _post_json(app, user.email, "falsches-Passwort-123")
    unknown = _post_json(app, "niemand@stadt-osnabrueck.de", "falsches-Passwort-123")
    assert existing.status_code == unknown.status_code == 400
    assert existing.get_json()["response"]["errors"] == unknown.get_json()["response"]["errors"]
    assert _comparable(_post_form(app, user.email, "x" * 14)) == _comparable(
        _post_form(app, "niemand@stadt-osnabrueck.de", "x" * 14))


def test_brute_force_locks_the_account_even_for_the_right_password(app, factory, throttle):
    user = factory.user(role="caseworker")
    limit = app.config["CASEAPP_LOGIN_MAX_FAILURES_ACCOUNT"]
    answers_existing, answers_unknown = [], []
    for i in range(limit + 2):
        # Every attempt from another address: this is the per-account counter.
        answers_existing.append(
            _comparable(_post_form(app, user.email, f"rate-{i}-passwort", ip=f"203.0.113.{i}"))
        )
        answers_unknown.append(_comparable(_post_form(app, "niemand@stadt-osnabrueck.de",
                                                      f"rate-{i}-passwort", ip=f"203.0.113.{100 + i}")))
    # An unknown account locks exactly like an existing one, answer for answer.
    assert answers_existing == answers_unknown
    assert "vorübergehend gesperrt" in answers_existing[-1][1]
    assert "vorübergehend gesperrt" not in answers_existing[limit - 1][1]

    locked = _post_json(app, user.email, TEST_PASSWORD, ip="203.0.113.250")
    assert locked.status_code == 400 and "gesperrt" in str(locked.get_json())

    throttle.reset(name=user.email)  # the window has passed
    assert _post_json(app, user.email, TEST_PASSWORD, ip="203.0.113.250").status_code == 200


def test_one_address_guessing_many_accounts_is_locked(app, factory, throttle, monkeypatch):
    monkeypatch.setattr(throttle, "ip_item", type(throttle.ip_item)(3, throttle.ip_item.multiples))
    user = factory.user(role="caseworker")
    for i in range(3):
        _post_json(app, f"raten{i}@stadt-osnabrueck.de", "irgendwas-123456")
    resp = _post_json(app, user.email, TEST_PASSWORD)
    assert resp.status_code == 400 and "gesperrt" in str(resp.get_json())
    assert _post_json(app, user.email, TEST_PASSWORD, ip="192.0.2.44").status_code == 200


def test_failed_login_is_audited_without_what_was_typed(app, db, factory, throttle):
    from caseapp.audit.models import AuditEvent

    user = factory.user(role="caseworker")
    _post_json(app, user.email, "Geheimnis-Tippfehler-9")
    _post_json(app, "gibtsnicht@stadt-osnabrueck.de", "Geheimnis-Tippfehler-9")
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")
                              .order_by(AuditEvent.id.desc()).limit(2)).all()
    assert len(rows) == 2
    for row in rows:
        text = " ".join(str(v) for v in vars(row).values())
        assert "Geheimnis" not in text and user.email not in text and "gibtsnicht" not in text
        assert row.user_id is None
    # Existing and unknown account leave identical rows (apart from time and chain).
    assert (rows[0].action, rows[0].object_type, rows[0].detail) == (rows[1].action, rows[1].object_type,
                                                                     rows[1].detail)


def test_login_and_logout_are_audited(app, db, login_as):
    from caseapp.audit.models import AuditEvent

    c = login_as("caseworker")
    token = c.get("/login", json={}).get_json()["response"]["csrf_token"]
    c.post("/logout", headers={"X-CSRF-Token": token})
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.user_id == c.user.id)
                                 .order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["login", "logout"]


def test_login_form_without_csrf_token_is_refused(app, factory, throttle):
    user = factory.user(role="caseworker")
    c = app.test_client()
    resp = c.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert resp.status_code == 200 and "CSRF" in resp.get_data(as_text=True)
    assert c.get("/admin/").status_code == 302  # not logged in
    assert _post_form(app, user.email, TEST_PASSWORD).status_code == 302  # with the token it works


def test_logout_needs_csrf_token(login_as):
    c = login_as("caseworker")
    resp = c.post("/logout")  # a forged logout gets the confirmation page, not the logout
    assert resp.status_code in (200, 400) and c.get("/admin/").status_code == 200
    token = c.get("/login", json={}).get_json()["response"]["csrf_token"]
    assert c.post("/logout", headers={"X-CSRF-Token": token}).status_code in (200, 302)
    assert c.get("/admin/").status_code == 302


@pytest.mark.parametrize("password,accepted", [
    ("Kurz-1", False),                       # under 12 characters
    ("aaaaaaaaaaaaaaaa", False),             # long but trivially guessable (zxcvbn)
    ("passwort12345678", False),
    ("qwertzuiop1234", False),
    ("Rathaus-Markt-Linde-97", True),
])
def test_password_rules(app, db, factory, password, accepted):
    from caseapp.auth import operations

    admin = factory.user(role="admin")
    with app.test_request_context():
        if accepted:
            user = operations.create_user("neu.person@stadt-osnabrueck.de", password, roles=["caseworker"],
                                          offices=["soz"], by=admin)
            assert user.active and user.office_codes == {"soz"}
        else:
            with pytest.raises(operations.UserAdminError):
                operations.create_user("neu.person@stadt-osnabrueck.de", password, by=admin)


def test_security_headers_on_pages_and_api(client):
    for path in ("/login", "/admin/", "/api/v1/persons/1"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self' 'nonce-" in csp
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_two_factor_setup_and_login_work_offline(app, db, factory, throttle, monkeypatch):
    from passlib.totp import TOTP

    monkeypatch.setitem(app.config, "SECURITY_TWO_FACTOR_REQUIRED", True)
    user = factory.user(role="caseworker")
    c = app.test_client()
    first = c.post("/login", json={"email": user.email, "password": TEST_PASSWORD}).get_json()["response"]
    assert first["tf_required"] and first["tf_state"] == "setup_from_login"
    assert c.get("/admin/").status_code == 302  # the password alone is not enough

    page = c.get("/tf-setup").get_data(as_text=True)
    assert "Zwei-Faktor" in page or "authenticator" in page.lower()
    setup = c.post("/tf-setup", json={"setup": "authenticator"}).get_json()["response"]
    key = setup["tf_authr_key"]
    assert c.post("/tf-validate", json={"code": "000000"}).status_code == 400
    code = TOTP(key=key, format="base32").generate().token
    assert c.post("/tf-validate", json={"code": code}).status_code == 200
    assert c.get("/admin/").status_code == 200

    # Next login asks for the code, and only a right code lets the user in.
    c2 = app.test_client()
    again = c2.post("/login", json={"email": user.email, "password": TEST_PASSWORD}).get_json()["response"]
    assert again["tf_required"] and again["tf_state"] == "ready"
    assert c2.get("/admin/").status_code == 302
    # The setup's code is spent (a code works once); the next step's code is within the accepted drift.
    later = TOTP(key=key, format="base32").generate(time.time() + 30).token
    assert c2.post("/tf-validate", json={"code": later}).status_code == 200
    assert c2.get("/admin/").status_code == 200
