"""Role x office x view, generated from the declarations: each role gets exactly what the view says.

Admin views declare `allowed_roles`; API views name their roles in their role check. A view that
declares nobody is closed to everybody, and a route that belongs to neither (nor to the short public
list) fails the test until someone says who may use it.
"""
from __future__ import annotations

import pytest

from caseapp.admin.base import SecureMixin
from caseapp.auth.roles import ROLES
from tests.security_declarations import (
    PUBLIC_ENDPOINTS,
    admin_view_of,
    admin_views,
    api_declared_roles,
    api_rules,
)

ROLE_CASES = sorted(ROLES) + [None]  # None: a user without any role


@pytest.fixture()
def clients(login_as):
    return {role: login_as(role, offices=("abh",)) for role in ROLE_CASES}


@pytest.fixture()
def seeded(factory):
    shelter = factory.shelter(rooms=(("1.01", 4),))
    person = factory.person(state="accommodated", office="abh")
    factory.stay(person, shelter.rooms[0])
    return {"person_id": person.id, "shelter_id": shelter.id, "room_id": shelter.rooms[0].id}


def _fill(rule, seeded) -> str:
    values = {}
    for arg in rule.arguments:
        values[arg] = seeded.get(arg, seeded["person_id"])
    return rule.build(values)[1]


def test_every_admin_view_is_closed_by_default(app):
    for view in admin_views(app):
        assert isinstance(view, SecureMixin), f"{type(view).__name__} is not built on SecureMixin: it is open"


def test_every_route_has_an_owner(app):
    """Every URL is an admin view, an API view or on the public list; anything else is a new open door."""
    stray = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.startswith("api."):
            continue
        if admin_view_of(app, rule.endpoint) is None:
            stray.append(f"{rule.rule} ({rule.endpoint})")
    assert not stray, f"routes with no declared users: {stray}"


def test_admin_matrix(app, clients):
    mismatches = []
    for view in admin_views(app):
        url = view.url.rstrip("/") + "/"
        for role in ROLE_CASES:
            status = clients[role].get(url).status_code
            expected = 200 if role in view.allowed_roles else 403
            if status != expected:
                mismatches.append(f"{url} as {role}: {status}, declared {expected}")
    assert not mismatches, "\n".join(mismatches)


def test_admin_views_turn_anonymous_users_to_the_login(app, client):
    for view in admin_views(app):
        resp = client.get(view.url.rstrip("/") + "/")
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], view.url


def test_api_matrix(app, login_as, seeded):
    tokens = {role: login_as(role, offices=("abh",)).auth_token for role in ROLE_CASES}
    mismatches = []
    for rule in api_rules(app):
        declared = api_declared_roles(app, rule.endpoint) or frozenset()
        url = _fill(rule, seeded)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            anon = app.test_client().open(url, method=method, json={} if method == "POST" else None)
            if anon.status_code != 401:
                mismatches.append(f"{method} {url} anonymous: {anon.status_code}, expected 401")
            for role in ROLE_CASES:
                c = app.test_client()  # token only: no session cookie
                resp = c.open(url, method=method, json={} if method == "POST" else None,
                              headers={"Authentication-Token": tokens[role]})
                allowed = role in declared
                if allowed and resp.status_code in (401, 403):
                    mismatches.append(f"{method} {url} as {role}: {resp.status_code}, declared allowed")
                if not allowed and resp.status_code != 403:
                    mismatches.append(f"{method} {url} as {role}: {resp.status_code}, declared 403")
                assert resp.status_code < 500, f"{method} {url} as {role}: {resp.status_code}"
    assert not mismatches, "\n".join(mismatches)


def test_every_admin_post_needs_a_csrf_token(app, clients):
    """Every POST route of every admin view, as a role the view lets in, without a token: 400."""
    accepted = []
    for rule in app.url_map.iter_rules():
        view = admin_view_of(app, rule.endpoint)
        if view is None or "POST" not in rule.methods or not view.allowed_roles:
            continue
        role = min(view.allowed_roles)
        url = rule.build({a: 1 for a in rule.arguments})[1]
        resp = clients[role].post(url, data={"id": "1", "rowid": "1"})
        if resp.status_code != 400:
            accepted.append(f"POST {url} as {role}: {resp.status_code}")
    assert not accepted, "\n".join(accepted)


def test_a_caseworker_of_another_office_sees_a_person_as_missing(app, login_as, seeded):
    """Person detail pages answer for a person of another office exactly as for no person at all."""
    views = [v for v in admin_views(app) if getattr(v, "model", None) is not None
             and v.model.__name__ == "Person" and "caseworker" in v.allowed_roles]
    soz = login_as("caseworker", offices=("soz",))
    for view in views:
        url = view.url.rstrip("/") + "/details/"
        hidden = soz.get(url, query_string={"id": seeded["person_id"]})
        missing = soz.get(url, query_string={"id": 987654321})
        assert (hidden.status_code, hidden.headers.get("Location")) == (
            missing.status_code, missing.headers.get("Location")), url
    own = app.test_client()
    token = login_as("caseworker", offices=("soz",)).auth_token
    own_resp = own.get(f"/api/v1/persons/{seeded['person_id']}", headers={"Authentication-Token": token})
    none_resp = own.get("/api/v1/persons/987654321", headers={"Authentication-Token": token})
    assert own_resp.status_code == none_resp.status_code == 404
    assert own_resp.get_json() == none_resp.get_json()
