"""The person endpoints of /api/v1: register, read (audited, by office), lifecycle events and refusals."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEvent
from tests.api_helpers import call, fresh_g

NEW = {"family_name": "Haddad", "given_names": "Rami", "birth_date": "1990-00-00", "sex": "m",
       "nationalities": ["SYR"], "residence_status": "ANKUNFT"}


@pytest.fixture()
def user_as(login_as):
    def _login(role, offices=("abh",)):
        fresh_g()
        return login_as(role, offices=offices)

    return _login


def test_caseworker_registers_a_person_for_the_own_office(user_as, db):
    from caseapp.people.models import Person

    cw = user_as("caseworker", offices=("int",))
    resp = call(cw, "POST", "/api/v1/persons", {**NEW, "azr_number": "123456789012"})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["state"] == "announced"
    person = db.session.get(Person, body["id"])
    assert [o.office_code for o in person.offices] == ["int"] and person.birth.iso == "1990-00-00"
    got = call(cw, "GET", f"/api/v1/persons/{body['id']}").get_json()
    assert got["nationalities"] == ["SYR"] and got["azr_number"] == "123456789012" and got["stay"] is None


def test_a_user_of_several_offices_must_pick_one(user_as, db):
    cw = user_as("caseworker", offices=("abh", "soz"))
    resp = call(cw, "POST", "/api/v1/persons", NEW)
    assert resp.status_code == 400 and resp.get_json()["error"].startswith("office")
    resp = call(cw, "POST", "/api/v1/persons", {**NEW, "office": "soz"})
    assert resp.status_code == 201
    assert call(cw, "POST", "/api/v1/persons", {**NEW, "office": "jug"}).status_code == 400


def test_a_caseworker_without_office_cannot_register(user_as):
    resp = call(user_as("caseworker", offices=()), "POST", "/api/v1/persons", NEW)
    assert resp.status_code == 400 and "Amt" in resp.get_json()["error"]


@pytest.mark.parametrize("role", ["shelter_manager", "admin", "analyst", "auditor"])
def test_only_caseworkers_register_persons(user_as, role):
    assert call(user_as(role), "POST", "/api/v1/persons", NEW).status_code == 403


@pytest.mark.parametrize("change,field", [
    ({"birth_date": "1990-13-00"}, "birth_date"),
    ({"birth_date": "17.05.1990"}, "birth_date"),
    ({"nationalities": ["ABC"]}, "nationalities"),
    ({"nationalities": "SYR"}, "nationalities"),
    ({"sex": "q"}, "sex"),
    ({"residence_status": "TOURIST"}, "residence_status"),
    ({"family_name": ""}, "family_name"),
    ({"azr_number": "12345"}, "azr_number"),
    ({"lieblingsfarbe": "blau"}, "lieblingsfarbe"),
])
def test_bad_person_payloads_are_400_naming_the_field(user_as, change, field):
    resp = call(user_as("caseworker"), "POST", "/api/v1/persons", {**NEW, **change})
    assert resp.status_code == 400
    assert resp.get_json()["error"].startswith(field)


def test_reading_a_person_is_audited_and_hidden_persons_look_missing(user_as, factory, db):
    person = factory.person(office="abh", azr_number="000000000042")
    abh = user_as("caseworker", offices=("abh",))
    assert call(abh, "GET", f"/api/v1/persons/{person.id}").status_code == 200
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "read")).all()
    assert [(a.object_id, a.channel, a.user_id) for a in audit] == [(str(person.id), "api", abh.user.id)]
    soz = user_as("caseworker", offices=("soz",))
    hidden = call(soz, "GET", f"/api/v1/persons/{person.id}")
    missing = call(soz, "GET", "/api/v1/persons/987654321")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()


def test_shelter_manager_reads_allocation_fields_only(user_as, factory):
    shelter = factory.shelter()
    person = factory.person(state="accommodated", azr_number="000000000043", needs="rollstuhl")
    factory.stay(person, shelter.rooms[0], start=date(2026, 3, 1))
    got = call(user_as("shelter_manager", offices=()), "GET", f"/api/v1/persons/{person.id}").get_json()
    assert (
        got["needs"] == "rollstuhl" and got["birth_date"] == "1990-05-17" and got["state"] == "accommodated"
    )
    assert "azr_number" not in got and "nationalities" not in got and "street" not in got
    assert got["stay"]["shelter_id"] == shelter.id and got["stay"]["start_date"] == "2026-03-01"


@pytest.mark.parametrize("role", ["admin", "analyst", "auditor"])
def test_roles_without_person_access_get_403(user_as, factory, role):
    person = factory.person()
    assert call(user_as(role), "GET", f"/api/v1/persons/{person.id}").status_code == 403
    assert call(user_as(role), "POST", f"/api/v1/persons/{person.id}/events",
                {"event": "arrive"}).status_code == 403


def test_the_whole_lifecycle_through_the_api(user_as, factory):
    shelter = factory.shelter(rooms=(("1.01", 2), ("1.02", 2)))
    person = factory.person()
    cw = user_as("caseworker")
    path = f"/api/v1/persons/{person.id}/events"
    d = date.today() - timedelta(days=10)
    assert call(cw, "POST", path, {"event": "arrive", "date": d.isoformat()}).get_json()["state"] == "arrived"
    resp = call(
        cw,
        "POST",
        path,
        {"event": "allocate", "shelter_id": shelter.id, "date": (d + timedelta(1)).isoformat()},
    )
    assert resp.status_code == 200 and resp.get_json()["state"] == "accommodated"
    first_room = resp.get_json()["stay"]["room_id"]
    other = next(r.id for r in shelter.rooms if r.id != first_room)
    resp = call(
        cw, "POST", path, {"event": "relocate", "room_id": other, "reason": "Familienzusammenführung"}
    )
    assert resp.get_json()["stay"]["room_id"] == other
    assert call(cw, "POST", path, {"event": "move_out"}).get_json() == {"id": person.id, "state": "housed",
                                                                       "stay": None}
    assert call(cw, "POST", path, {"event": "depart"}).get_json()["state"] == "departed"


def test_refused_events(user_as, factory):
    shelter = factory.shelter(rooms=(("1.01", 1),))
    factory.stay(factory.person(state="accommodated"), shelter.rooms[0])
    person = factory.person()
    cw = user_as("caseworker")
    path = f"/api/v1/persons/{person.id}/events"
    unknown = call(cw, "POST", path, {"event": "teleport"})
    assert unknown.status_code == 400 and unknown.get_json()["error"].startswith("event")
    early = call(cw, "POST", path, {"event": "allocate", "shelter_id": shelter.id})
    assert early.status_code == 409 and "angekündigt" in early.get_json()["error"]
    assert call(cw, "POST", path, {"event": "arrive", "date": "2026-13-01"}).status_code == 400
    assert call(cw, "POST", path, {"event": "arrive", "date": "gestern"}).status_code == 400
    future = (date.today() + timedelta(days=1)).isoformat()
    assert call(cw, "POST", path, {"event": "arrive", "date": future}).status_code == 400
    assert call(cw, "POST", path, {"event": "arrive", "date": "2026-01-10"}).status_code == 200
    before = call(cw, "POST", path, {"event": "depart", "date": "2026-01-09"})
    assert before.status_code == 409 and "10.01.2026" in before.get_json()["error"]
    full = call(cw, "POST", path, {"event": "allocate", "shelter_id": shelter.id})
    assert full.status_code == 409 and "kein passendes Bett" in full.get_json()["error"]
    assert call(cw, "POST", path, {"event": "allocate", "shelter_id": "eins"}).status_code == 400
    assert call(cw, "POST", path, {"event": "allocate", "shelter_id": 99999999}).status_code == 400
    assert call(cw, "GET", f"/api/v1/persons/{person.id}").get_json()["state"] == "arrived"


def test_shelter_manager_may_allocate_but_not_run_other_steps(user_as, factory):
    shelter = factory.shelter()
    person = factory.person(state="arrived", office="soz")
    sm = user_as("shelter_manager", offices=())
    path = f"/api/v1/persons/{person.id}/events"
    assert call(sm, "POST", path, {"event": "depart"}).status_code == 403
    resp = call(sm, "POST", path, {"event": "allocate", "shelter_id": shelter.id})
    assert resp.status_code == 200 and resp.get_json()["stay"]["shelter_id"] == shelter.id


def test_caseworker_of_another_office_cannot_run_events(user_as, factory):
    person = factory.person(office="abh")
    resp = call(user_as("caseworker", offices=("jug",)), "POST", f"/api/v1/persons/{person.id}/events",
                {"event": "arrive"})
    assert resp.status_code == 404


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/api/v1/persons/abc", 404),  # no route: the id is not a number
    ("GET", "/api/v1/nothing", 404),
    ("DELETE", "/api/v1/persons/1", 405),
    ("GET", "/api/v1/persons", 405),
])
def test_paths_and_methods_the_api_does_not_have_answer_in_json(user_as, method, path, status):
    caseworker = user_as("caseworker")
    resp = call(caseworker, method, path)
    assert resp.status_code == status and resp.is_json
    assert set(resp.get_json()) == {"error"} and resp.get_json()["error"]


def test_pages_outside_the_api_keep_their_html_error_pages(client):
    resp = client.get("/gibt-es-nicht")
    assert resp.status_code == 404 and not resp.is_json


def test_error_pages_outside_the_api_are_german(client, login_as):
    missing = client.get("/gibt-es-nicht").get_data(as_text=True)
    assert "Seite nicht gefunden" in missing and "Not Found" not in missing
    analyst = login_as("analyst")
    refused = analyst.get("/admin/person/")
    assert refused.status_code == 403
    assert "Keine Berechtigung" in refused.get_data(as_text=True) and "Forbidden" not in refused.get_data(
        as_text=True
    )
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/admin/")
