"""GET /api/v1/placements: ranked places for a person or household, only those keeping every rule."""
from __future__ import annotations

import pytest

from tests.api_helpers import call, fresh_g


@pytest.fixture()
def user_as(login_as):
    def _login(role, offices=("abh",)):
        fresh_g()
        return login_as(role, offices=offices)

    return _login


def test_a_family_with_a_wheelchair_user_gets_barrier_free_family_rooms_first(user_as, factory):
    plain = factory.shelter(name="GU Eins", rooms=(("1", 4), ("2", 4)))
    best = factory.shelter(name="GU Zwei", rooms=(("F", 4, {"family": True, "accessible": True}),))
    split = factory.shelter(name="GU Drei", rooms=(("A", 2, {"accessible": True}), ("B", 2)))
    factory.shelter(name="GU Zu klein", rooms=(("Z", 3, {"accessible": True}),))
    household = factory.household()
    factory.person(state="arrived", sex="w", household=household)
    factory.person(state="arrived", sex="m", household=household)
    factory.person(state="arrived", sex="m", birth="2015-01-00", household=household, needs="rollstuhl")
    factory.person(state="arrived", sex="w", birth="2018-01-00", household=household)
    resp = call(user_as("caseworker"), "GET", f"/api/v1/placements?household_id={household.id}")
    assert resp.status_code == 200, resp.get_json()
    found = resp.get_json()["suggestions"]
    assert [s["shelter_id"] for s in found] == [best.id, split.id]  # GU Eins has no barrier-free bed
    assert found[0]["room_ids"] == [best.rooms[0].id]
    assert found[0]["reasons"][:2] == ["Familienzimmer", "alle in einem Zimmer"]
    assert "4 Betten frei" in found[0]["reasons"] and "barrierefrei" in found[0]["reasons"]
    assert found[0]["score"] > found[1]["score"] and plain.id not in [s["shelter_id"] for s in found]


def test_a_single_woman_is_not_offered_a_room_with_an_unrelated_man(user_as, factory):
    shelter = factory.shelter(rooms=(("1", 2), ("2", 4)))
    factory.stay(factory.person(state="accommodated", sex="m"), shelter.rooms[0])
    factory.stay(factory.person(state="accommodated", sex="m"), shelter.rooms[1])
    woman = factory.person(state="arrived", sex="w")
    other = factory.shelter(rooms=(("W", 2, {"women_only": True}),))
    sm = user_as("shelter_manager", offices=())
    found = call(sm, "GET", f"/api/v1/placements?person_id={woman.id}").get_json()["suggestions"]
    assert [(s["shelter_id"], s["room_ids"]) for s in found] == [(other.id, [other.rooms[0].id])]
    assert "Frauenzimmer" in found[0]["reasons"]


def test_who_may_ask(user_as, factory):
    mine = factory.person(state="arrived", office="abh")
    hidden = factory.person(state="arrived", office="soz")
    cw = user_as("caseworker", offices=("abh",))
    assert call(cw, "GET", f"/api/v1/placements?person_id={mine.id}").status_code == 200
    assert call(cw, "GET", f"/api/v1/placements?person_id={hidden.id}").status_code == 404
    assert call(cw, "GET", "/api/v1/placements?person_id=99999999").status_code == 404
    assert call(cw, "GET", "/api/v1/placements").status_code == 400
    assert call(cw, "GET", "/api/v1/placements?person_id=x").status_code == 400
    for role in ("admin", "analyst", "auditor"):
        assert call(user_as(role), "GET", f"/api/v1/placements?person_id={mine.id}").status_code == 403
