"""Duplicate warning at registration and merged ids in the API (issue 14 items 4 and 6, issue 13 item 7)."""
from __future__ import annotations

from caseapp.linkage.models import ReviewPair
from caseapp.linkage.operations import merge_persons
from tests.test_linkage_operations import delivered

NEW = {"family_name": "Ahmadi", "given_names": "Alireza", "birth_date": "2012-03-15", "sex": "m",
       "nationalities": ["AFG"], "residence_status": "GESTATTUNG"}


def _abh_person(factory, db, **extra):
    return delivered(factory, db, "abh", "S-77", family_name="Ahmadi", given_names="Ali Reza",
                     birth="2012-03-15", nationalities=("AFG",), **extra)


def test_another_offices_duplicate_gets_a_neutral_answer_and_a_review_pair(db, factory, login_as):
    known = _abh_person(factory, db)
    known_id = known.id
    client = login_as("caseworker", offices=("soz",))
    resp = client.post("/api/v1/persons", json=NEW, headers={"Authentication-Token": client.auth_token})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["warning"] == "möglicher Doppeleintrag, zur Prüfung weitergegeben"
    assert str(known_id) not in body["warning"] and "Ali Reza" not in resp.get_data(as_text=True)
    pair = db.session.query(ReviewPair).filter_by(left_key=f"#{body['id']}").one()
    assert pair.kind == "registration" and pair.right == ("abh", "S-77")


def test_own_offices_duplicate_is_named(db, factory, login_as):
    known = _abh_person(factory, db)
    client = login_as("caseworker", offices=("abh",))
    body = client.post(
        "/api/v1/persons", json=NEW, headers={"Authentication-Token": client.auth_token}
    ).get_json()
    assert f"Person Nr. {known.id}" in body["warning"]


def test_an_azr_number_of_another_office_is_no_existence_oracle(db, factory, login_as):
    _abh_person(factory, db, azr_number="200000000001")
    client = login_as("caseworker", offices=("soz",))
    stranger = {**NEW, "family_name": "Zzyzx", "given_names": "Qwert", "birth_date": "1950-01-02",
                "azr_number": "200000000001"}
    unknown = {**stranger, "family_name": "Plonk", "given_names": "Vbnm", "azr_number": "200000000999"}
    held = client.post("/api/v1/persons", json=stranger, headers={"Authentication-Token": client.auth_token})
    free = client.post("/api/v1/persons", json=unknown, headers={"Authentication-Token": client.auth_token})
    assert held.status_code == free.status_code == 201
    assert set(held.get_json()) == set(free.get_json()) == {"id", "state"}
    pair = db.session.query(ReviewPair).filter_by(left_key=f"#{held.get_json()['id']}").one()
    assert pair.kind == "azr" and pair.notify_office == "abh"


def test_a_merged_id_answers_with_a_pointer_to_the_survivor(db, factory, login_as):
    a = delivered(factory, db, "abh", "A-88")
    b = delivered(factory, db, "abh", "A-89")
    a_id, b_id = a.id, b.id
    merge_persons(a_id, b_id, actor="cli")
    client = login_as("caseworker", offices=("abh",))
    resp = client.get(f"/api/v1/persons/{b_id}", headers={"Authentication-Token": client.auth_token})
    assert resp.status_code == 301 and resp.get_json() == {"merged_into": a_id}
    other = login_as("caseworker", offices=("jug",))
    assert (
        other.get(f"/api/v1/persons/{b_id}", headers={"Authentication-Token": other.auth_token}).status_code
        == 404
    )
    page = client.get(f"/admin/person/details/?id={b_id}")
    assert page.status_code == 302 and f"id={a_id}" in page.headers["Location"]


def test_the_office_holding_the_azr_number_sees_a_notice_without_the_other_sides_data(db, factory, login_as):
    _abh_person(factory, db, azr_number="200000000002")
    soz = login_as("caseworker", offices=("soz",))
    body = {**NEW, "family_name": "Zzyzx", "given_names": "Qwert", "birth_date": "1950-01-02",
            "azr_number": "200000000002"}
    created = soz.post("/api/v1/persons", json=body, headers={"Authentication-Token": soz.auth_token})
    assert created.status_code == 201
    abh = login_as("caseworker", offices=("abh",))
    page = abh.get("/admin/linkage-notices/").get_data(as_text=True)
    assert "abh S-77" in page and "Zzyzx" not in page and "Qwert" not in page
    jug = login_as("caseworker", offices=("jug",))
    assert "abh S-77" not in jug.get("/admin/linkage-notices/").get_data(as_text=True)
