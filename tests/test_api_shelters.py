"""The shelter endpoints of /api/v1: create, open/close, read; roles, bad payloads, occupied closing."""
from __future__ import annotations

import pytest

from tests.api_helpers import call, fresh_g

ROOMS = [{"name": "1.01", "beds": 4}, {"name": "1.02", "beds": 2, "women_only": True}]


@pytest.fixture()
def manager(login_as):
    return login_as("shelter_manager", offices=())


def test_create_open_and_read_a_shelter(manager, login_as):
    resp = call(
        manager, "POST", "/api/v1/shelters", {"name": "GU Hasestraße", "district": "07", "rooms": ROOMS}
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["state"] == "planned" and body["capacity"] == 6
    assert call(manager, "POST", f"/api/v1/shelters/{body['id']}/events", {"event": "open"}).get_json() == {
        "id": body["id"], "state": "open"}
    fresh_g()
    reader = login_as("caseworker")
    got = call(reader, "GET", f"/api/v1/shelters/{body['id']}").get_json()
    assert (got["name"], got["state"], got["capacity"], got["occupied"], got["free"]) == (
        "GU Hasestraße", "open", 6, 0, 6)
    assert [r["name"] for r in got["rooms"]] == ["1.01", "1.02"] and got["rooms"][1]["women_only"]


def test_a_script_with_only_the_token_header_can_post(app, manager):
    script = app.test_client()  # no session cookie, no CSRF token
    resp = script.post("/api/v1/shelters", json={"name": "GU Skript", "district": "01", "rooms": ROOMS},
                       headers={"Authentication-Token": manager.auth_token})
    assert resp.status_code == 201


def test_without_login_the_api_answers_401_in_json(client):
    resp = client.post("/api/v1/shelters", json={"name": "X", "district": "07", "rooms": ROOMS})
    assert resp.status_code == 401 and "error" in resp.get_json()
    assert client.get("/api/v1/shelters/1").status_code == 401


@pytest.mark.parametrize("role", ["caseworker", "analyst", "auditor", None])
def test_only_admins_and_shelter_managers_create_shelters(login_as, role):
    c = login_as(role)
    resp = call(c, "POST", "/api/v1/shelters", {"name": "GU Verboten", "district": "07", "rooms": ROOMS})
    assert resp.status_code == 403 and resp.get_json()["error"]


def test_admin_may_create_and_events_are_refused_to_caseworkers(login_as, factory):
    admin = login_as("admin", offices=())
    assert call(admin, "POST", "/api/v1/shelters", {"name": "GU Admin", "district": "02", "rooms": ROOMS}
                ).status_code == 201
    shelter = factory.shelter(state="planned")
    fresh_g()
    assert call(login_as("caseworker"), "POST", f"/api/v1/shelters/{shelter.id}/events",
                {"event": "open"}).status_code == 403


@pytest.mark.parametrize("role", ["analyst", "auditor"])
def test_aggregate_roles_cannot_read_a_shelter(login_as, factory, role):
    shelter = factory.shelter()
    assert call(login_as(role), "GET", f"/api/v1/shelters/{shelter.id}").status_code == 403


@pytest.mark.parametrize("payload,field", [
    ({"district": "07", "rooms": ROOMS}, "name"),
    ({"name": "GU", "district": "99", "rooms": ROOMS}, "district"),
    ({"name": "GU", "district": "07", "rooms": []}, "rooms"),
    ({"name": "GU", "district": "07", "rooms": [{"name": "1", "beds": "vier"}]}, "rooms[0].beds"),
    ({"name": "GU", "district": "07", "rooms": [{"name": "1", "beds": 2}, {"name": "1", "beds": 2}]},
     "rooms"),
    ({"name": "GU", "district": "07", "rooms": ROOMS, "farbe": "blau"}, "farbe"),
])
def test_bad_shelter_payloads_are_400_naming_the_field(manager, payload, field):
    resp = call(manager, "POST", "/api/v1/shelters", payload)
    assert resp.status_code == 400
    assert resp.get_json()["error"].startswith(field)


def test_not_json_is_400(manager):
    resp = manager.post(
        "/api/v1/shelters", data="name=x", headers={"Authentication-Token": manager.auth_token}
    )
    assert resp.status_code == 400 and "JSON" in resp.get_json()["error"]


def test_duplicate_name_is_refused(manager, factory):
    factory.shelter(name="GU Doppelt")
    resp = call(manager, "POST", "/api/v1/shelters", {"name": "GU Doppelt", "district": "07", "rooms": ROOMS})
    assert resp.status_code == 400 and "bereits" in resp.get_json()["error"]


def test_closing_an_occupied_shelter_is_409_and_changes_nothing(manager, factory):
    shelter = factory.shelter()
    factory.stay(factory.person(state="accommodated"), shelter.rooms[0])
    resp = call(
        manager, "POST", f"/api/v1/shelters/{shelter.id}/events", {"event": "close", "reason": "Umbau"}
    )
    assert resp.status_code == 409 and "belegt" in resp.get_json()["error"]
    assert call(manager, "GET", f"/api/v1/shelters/{shelter.id}").get_json()["state"] == "open"


def test_shelter_event_errors(manager, factory):
    shelter = factory.shelter(state="planned")
    path = f"/api/v1/shelters/{shelter.id}/events"
    assert call(manager, "POST", path, {"event": "abreißen"}).status_code == 400
    assert call(manager, "POST", path, {"event": "open", "date": "2026-02-30"}).status_code == 400
    assert call(manager, "POST", path, {"event": "open", "date": "2999-01-01"}).status_code == 400
    assert call(manager, "POST", path, {"event": "open"}).status_code == 200
    again = call(manager, "POST", path, {"event": "open"})
    assert again.status_code == 409 and "geöffnet" in again.get_json()["error"]
    assert call(manager, "POST", path, {"event": "close"}).get_json()["state"] == "closed"
    assert call(manager, "POST", "/api/v1/shelters/999999/events", {"event": "open"}).status_code == 404
    assert call(manager, "GET", "/api/v1/shelters/999999").status_code == 404
