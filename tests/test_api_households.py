"""Households through the JSON API: created for the user's office, and placed, relocated and moved out
as one unit in one transaction (nobody moves when the household cannot be kept together)."""
from __future__ import annotations

import pytest

from caseapp.shelters.queries import active_stay
from tests.api_helpers import call, fresh_g


@pytest.fixture()
def user_as(login_as):
    def _login(role, offices=("abh",)):
        fresh_g()
        return login_as(role, offices=offices)

    return _login


def _family(factory, household, state="arrived"):
    """Mother, father, two children, one of them a wheelchair user."""
    return [factory.person(state=state, sex="w", birth="1988-02-02", household=household),
            factory.person(state=state, sex="m", birth="1985-07-07", household=household),
            factory.person(state=state, sex="m", birth="2015-03-00", household=household, needs="rollstuhl"),
            factory.person(state=state, sex="w", birth="2019-11-00", household=household)]


def test_a_caseworker_creates_a_household_of_the_own_office(user_as, db):
    from caseapp.people.models import Household

    cw = user_as("caseworker", offices=("soz",))
    resp = call(cw, "POST", "/api/v1/households", {"label": "Familie Haddad"})
    assert resp.status_code == 201
    household = db.session.get(Household, resp.get_json()["id"])
    assert household.label == "Familie Haddad" and household.office_code == "soz"
    person = call(cw, "POST", "/api/v1/persons", {
        "family_name": "Haddad", "given_names": "Rami", "birth_date": "1990-00-00", "sex": "m",
        "nationalities": ["SYR"], "residence_status": "ANKUNFT", "household_id": household.id})
    assert person.status_code == 201, person.get_json()
    assert call(cw, "POST", "/api/v1/households", {"label": ""}).status_code == 400
    for role in ("shelter_manager", "admin", "analyst", "auditor"):
        assert call(user_as(role), "POST", "/api/v1/households", {"label": "X"}).status_code == 403


def test_a_family_of_four_is_allocated_relocated_and_moved_out_together(user_as, factory):
    small = factory.shelter(rooms=(("1", 2), ("2", 2)))
    big = factory.shelter(rooms=(("F", 4, {"family": True, "accessible": True}), ("E", 2)))
    household = factory.household()
    family = _family(factory, household)
    cw = user_as("caseworker")
    resp = call(cw, "POST", f"/api/v1/households/{household.id}/events", {"event": "allocate"})
    assert resp.status_code == 200, resp.get_json()
    members = resp.get_json()["members"]
    assert sorted(m["id"] for m in members) == sorted(p.id for p in family)
    assert {m["state"] for m in members} == {"accommodated"}
    family_room = next(r for r in big.rooms if r.name == "F")
    assert {m["room_id"] for m in members} == {family_room.id}  # one barrier-free family room for all
    assert small.rooms  # the small shelter had beds, but not barrier-free ones nor four together

    other = factory.shelter(rooms=(("A", 4, {"accessible": True}),))
    resp = call(cw, "POST", f"/api/v1/households/{household.id}/events",
                {"event": "relocate", "shelter_id": other.id, "reason": "Umbau"})
    assert resp.status_code == 200, resp.get_json()
    assert {m["room_id"] for m in resp.get_json()["members"]} == {other.rooms[0].id}

    resp = call(cw, "POST", f"/api/v1/households/{household.id}/events", {"event": "move_out"})
    assert resp.status_code == 200
    assert {(m["state"], m["room_id"]) for m in resp.get_json()["members"]} == {("housed", None)}


def test_nobody_moves_when_the_household_cannot_be_kept_together(user_as, factory):
    shelter = factory.shelter(rooms=(("1", 2), ("2", 1)))  # three beds for four, across rooms
    household = factory.household()
    family = _family(factory, household)
    cw = user_as("caseworker")
    resp = call(cw, "POST", f"/api/v1/households/{household.id}/events",
                {"event": "allocate", "shelter_id": shelter.id})
    assert resp.status_code == 409 and "niemand" in resp.get_json()["error"]
    assert all(active_stay(p.id) is None for p in family)


def test_an_invisible_household_is_not_found_and_a_split_needs_a_reason(user_as, factory):
    household = factory.household()
    factory.person(state="arrived", office="soz", household=household)
    cw = user_as("caseworker", offices=("abh",))
    assert (
        call(cw, "POST", f"/api/v1/households/{household.id}/events", {"event": "allocate"}).status_code
        == 404
    )
    assert call(cw, "POST", "/api/v1/households/999999/events", {"event": "allocate"}).status_code == 404
    # One member alone into another shelter splits the household: only explicitly and with a reason.
    first = factory.shelter(rooms=(("1", 4),))
    second = factory.shelter(rooms=(("2", 4),))
    family = factory.household()
    placed = factory.person(state="accommodated", household=family)
    factory.stay(placed, first.rooms[0])
    late = factory.person(state="arrived", household=family)
    resp = call(
        cw, "POST", f"/api/v1/persons/{late.id}/events", {"event": "allocate", "shelter_id": second.id}
    )
    assert resp.status_code == 409 and "trennt" in resp.get_json()["error"]
    resp = call(cw, "POST", f"/api/v1/persons/{late.id}/events",
                {"event": "allocate", "shelter_id": second.id, "reason": "Vater im Krankenhaus nebenan"})
    assert resp.status_code == 200, resp.get_json()
