"""Crawl every URL rule of the app as someone who must not see persons: no personal data anywhere.

Anonymous visitors, analysts and admins (who manage but do not read person records) walk every
route the app has (admin, API, exports, ajax lookups), with path parameters filled with real ids and
the usual query parameters set, by GET and by POST. A seeded person's distinctive name and AZR number
must never appear, and nothing may answer with a server error.
"""
from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

FAMILY, GIVEN, AZR = "Qxzylofantowa", "Ulvhildrun", "918273645546"
SECRETS = (FAMILY, GIVEN, AZR)
SKIP = {"security.logout"}  # ends the crawler's own session half-way; covered in test_security_sessions


@pytest.fixture()
def seeded(factory):
    household = factory.household(label="Familie Testweg")
    shelter = factory.shelter(rooms=(("1.01", 4),))
    person = factory.person(family_name=FAMILY, given_names=GIVEN, azr_number=AZR, state="accommodated",
                            office="abh", household=household, needs="rollstuhl")
    factory.stay(person, shelter.rooms[0])
    return {
        "person": person.id,
        "household": household.id,
        "shelter": shelter.id,
        "room": shelter.rooms[0].id,
    }


def _model_id(app, endpoint, seeded):
    from tests.security_declarations import admin_view_of

    view = admin_view_of(app, endpoint)
    name = getattr(getattr(view, "model", None), "__name__", "").lower()
    return seeded.get(name, seeded["person"])


def _urls(app, seeded):
    ids = {"person_id": seeded["person"], "shelter_id": seeded["shelter"], "room_id": seeded["room"],
           "household_id": seeded["household"]}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIP or rule.endpoint.endswith("static"):
            continue
        values = {}
        for arg in rule.arguments:
            if arg == "export_type":
                values[arg] = "csv"
            elif arg == "code":
                values[arg] = "de"
            elif isinstance(rule._converters[arg], IntegerConverter):
                values[arg] = ids.get(arg, seeded["person"])
            else:
                values[arg] = "x"
        path = rule.build(values)[1]
        query = {"id": _model_id(app, rule.endpoint, seeded), "query": FAMILY[:4], "name": "family_name",
                 "search": FAMILY[:4], "q": FAMILY[:4], "person_id": seeded["person"]}
        yield rule, path, query


def _leaks(resp) -> list[str]:
    body = resp.get_data(as_text=True)
    return [s for s in SECRETS if s in body]


def _crawl(app, client, seeded, headers=None, post=True):
    found = []
    for rule, path, query in _urls(app, seeded):
        methods = [m for m in ("GET", "POST") if m in rule.methods and (post or m == "GET")]
        for method in methods:
            kwargs = {"query_string": query, "headers": headers or {}}
            if method == "POST":
                kwargs["data"] = {"id": str(seeded["person"]), "person_id": str(seeded["person"])}
            resp = client.open(path, method=method, **kwargs)
            if resp.status_code >= 500:
                found.append(f"{method} {path}: server error {resp.status_code}")
            leaked = _leaks(resp)
            if leaked:
                found.append(f"{method} {path}: {resp.status_code} shows {leaked}")
    return found


def test_the_seeded_person_is_really_there(login_as, seeded):
    """The crawl is only worth something if a permitted reader does see the person."""
    c = login_as("caseworker", offices=("abh",))
    resp = c.get(f"/api/v1/persons/{seeded['person']}", headers={"Authentication-Token": c.auth_token})
    assert FAMILY in resp.get_data(as_text=True)


def test_anonymous_crawl_finds_no_personal_data(app, client, seeded):
    problems = _crawl(app, client, seeded)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_roles_without_person_access_see_no_personal_data(app, login_as, seeded, role):
    c = login_as(role, offices=("abh",))
    problems = _crawl(app, c, seeded, post=False)
    problems += _crawl(
        app, app.test_client(), seeded, headers={"Authentication-Token": c.auth_token}, post=False
    )
    assert not problems, "\n".join(problems)


def test_the_crawler_notices_a_reader_who_may_see_the_person(app, login_as, seeded):
    """The same crawl as a caseworker of the person's office does find the name: the detector works."""
    c = login_as("caseworker", offices=("abh",))
    problems = _crawl(app, c, seeded, post=False)
    assert any("shows" in p for p in problems)
