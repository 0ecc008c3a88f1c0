"""API tokens: header only, /api/ only, ended by logout, idle limit as for sessions (issue 13, item 11)."""
from __future__ import annotations

import time
from datetime import timedelta

from tests.api_helpers import fresh_g


def _person_url(factory):
    return f"/api/v1/persons/{factory.person(office='abh').id}"


def _api(app, url, token=None, **kwargs):
    fresh_g()
    headers = {"Authentication-Token": token} if token else {}
    return app.test_client().get(url, headers=headers, **kwargs)


def test_the_header_token_of_the_json_login_works_on_the_api(app, login_as, factory):
    c = login_as("caseworker", offices=("abh",))
    assert _api(app, _person_url(factory), c.auth_token).status_code == 200


def test_a_token_in_the_query_string_or_json_body_is_not_accepted(app, login_as, factory):
    c = login_as("caseworker", offices=("abh",))
    url = _person_url(factory)
    assert _api(app, url, query_string={"auth_token": c.auth_token}).status_code == 401
    fresh_g()
    resp = app.test_client().post("/api/v1/shelters", json={"name": "X", "auth_token": c.auth_token})
    assert resp.status_code == 401


def test_a_token_does_not_open_admin_pages(app, login_as):
    c = login_as("caseworker", offices=("abh",))
    for kwargs in ({"headers": {"Authentication-Token": c.auth_token}},
                   {"query_string": {"auth_token": c.auth_token}}):
        fresh_g()
        resp = app.test_client().get("/admin/person/", **kwargs)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_logout_ends_the_token(app, login_as, factory):
    c = login_as("caseworker", offices=("abh",))
    url = _person_url(factory)
    assert _api(app, url, c.auth_token).status_code == 200
    fresh_g()
    csrf = c.get("/login", json={}).get_json()["response"]["csrf_token"]
    fresh_g()
    assert c.post("/logout", headers={"X-CSRF-Token": csrf}).status_code in (200, 302)
    assert _api(app, url, c.auth_token).status_code == 401


def test_an_idle_token_ends_and_a_used_one_lives_on(app, login_as, factory, monkeypatch):
    c = login_as("caseworker", offices=("abh",))
    url = _person_url(factory)
    monkeypatch.setitem(app.config, "CASEAPP_SESSION_IDLE_TIMEOUT", timedelta(seconds=3))
    assert _api(app, url, c.auth_token).status_code == 200  # renews for 3 s (file store: whole seconds)
    time.sleep(1)
    assert _api(app, url, c.auth_token).status_code == 200  # used within the limit: renewed again
    time.sleep(4.5)
    assert _api(app, url, c.auth_token).status_code == 401
