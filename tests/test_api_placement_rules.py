"""The protection rules through the JSON API: 409 with a German error naming the rule, override by
shelter managers only; rooms carry the features of interfaces.md."""
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


def test_a_woman_is_not_placed_with_an_unrelated_man_unless_the_room_is_mixed(user_as, factory):
    cw = user_as("caseworker")
    shelter = factory.shelter(rooms=(("1", 2), ("G", 2, {"mixed": True})))
    man = factory.person(state="accommodated", sex="m")
    factory.stay(man, shelter.rooms[0])
    woman = factory.person(state="arrived", sex="w")
    resp = call(
        cw,
        "POST",
        f"/api/v1/persons/{woman.id}/events",
        {"event": "allocate", "room_id": shelter.rooms[0].id},
    )
    assert resp.status_code == 409
    assert "Geschlechtertrennung" in resp.get_json()["error"]
    factory.stay(factory.person(state="accommodated", sex="m"), shelter.rooms[1])
    resp = call(
        cw,
        "POST",
        f"/api/v1/persons/{woman.id}/events",
        {"event": "allocate", "room_id": shelter.rooms[1].id},
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["stay"]["room_id"] == shelter.rooms[1].id


def test_override_reason_counts_for_a_shelter_manager_only(user_as, factory):
    shelter = factory.shelter(rooms=(("OG", 2),))
    person = factory.person(state="arrived", needs="rollstuhl")
    body = {"event": "allocate", "room_id": shelter.rooms[0].id, "override_reason": "Rampe aufgebaut"}
    cw = user_as("caseworker")
    resp = call(cw, "POST", f"/api/v1/persons/{person.id}/events", body)
    assert resp.status_code == 409 and "barrierefrei" in resp.get_json()["error"]
    assert active_stay(person.id) is None
    sm = user_as("shelter_manager", offices=())
    assert call(sm, "POST", f"/api/v1/persons/{person.id}/events",
                {**body, "override_reason": None}).status_code == 409
    resp = call(sm, "POST", f"/api/v1/persons/{person.id}/events", body)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["state"] == "accommodated"


def test_rooms_take_features_by_name(user_as, factory):
    sm = user_as("shelter_manager", offices=())
    resp = call(sm, "POST", "/api/v1/shelters", {"name": "GU Merkmale", "district": "07", "rooms": [
        {"name": "1.01", "beds": 4, "features": ["barrierefrei", "gemischt"]}, {"name": "1.02", "beds": 2}]})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert [r["name"] for r in body["rooms"]] == ["1.01", "1.02"]
    got = call(sm, "GET", f"/api/v1/shelters/{body['id']}").get_json()
    assert [r["features"] for r in got["rooms"]] == [["barrierefrei", "gemischt"], []]
    bad = call(sm, "POST", "/api/v1/shelters", {"name": "GU X", "district": "07",
                                                "rooms": [{"name": "1", "beds": 1, "features": ["sauna"]}]})
    assert bad.status_code == 400 and "sauna" in bad.get_json()["error"]
