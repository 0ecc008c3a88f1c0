"""Printed lists for the fire brigade: PDF, confidential, timed, audited, managers only."""
from __future__ import annotations

import subprocess
from datetime import date

import pytest
from sqlalchemy import select


@pytest.fixture()
def house(factory):
    household = factory.household(label="Familie Haddad")
    shelter = factory.shelter(name="GU Sedanstraße", rooms=(("0.01", 4), ("1.02", 2), ("1.03", 2)))
    lina = factory.person(family_name="Haddad", given_names="Lina", birth="1990-03-12",
                          state="accommodated",
                          household=household)
    omar = factory.person(family_name="Haddad", given_names="Omar", birth="1988-00-00", state="accommodated",
                          household=household, needs="rollstuhl")
    grace = factory.person(family_name="Okafor", given_names="Grace", state="accommodated", sex="w")
    factory.stay(lina, shelter.rooms[0], start=date(2026, 10, 1))
    factory.stay(omar, shelter.rooms[0], start=date(2026, 10, 1))
    factory.stay(grace, shelter.rooms[1], start=date(2026, 11, 15))
    return shelter


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout
    return " ".join(out.decode().split())


def test_shelter_manager_prints_the_resident_list(login_as, house, db):
    from caseapp.audit.models import AuditEvent

    c = login_as("shelter_manager", offices=())
    assert "Bewohnerliste (PDF)" in c.get("/admin/print/").get_data(as_text=True)
    resp = c.get(f"/admin/print/residents/{house.id}.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = _text(resp.data)
    assert "Vertraulich – gedruckt am" in text and "Ortszeit Osnabrück" in text
    for value in ("Haddad, Lina", "12.03.1990", "00.00.1988", "Familie Haddad", "01.10.2026", "0.01",
                  "Okafor, Grace", "15.11.2026"):
        assert value in text, value
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).all()
    printed = [(r.object_type, r.object_id, r.detail) for r in rows]
    assert printed == [("shelter", str(house.id), "list=residents")]


def test_roll_call_per_floor_with_head_count_and_mobility_marked(login_as, house):
    c = login_as("shelter_manager", offices=())
    text = _text(c.get(f"/admin/print/rollcall/{house.id}.pdf").data)
    assert "Evakuierungsliste" in text and "Vertraulich – gedruckt am" in text
    assert "Erdgeschoss – 2 Personen" in text and "1. OG – 1 Personen" in text
    assert "[M] Haddad, Omar" in text and "rollstuhl" in text
    assert "eingeschränkter Mobilität: 1" in text
    assert "1.03" in text and "leer" in text  # an empty room is on the list too


@pytest.mark.parametrize("role", ["caseworker", "admin", "analyst", "auditor", None])
def test_only_shelter_managers_print(login_as, house, role):
    c = login_as(role, offices=("abh",) if role == "caseworker" else ())
    for url in ("/admin/print/", f"/admin/print/residents/{house.id}.pdf",
                f"/admin/print/rollcall/{house.id}.pdf"):
        assert c.get(url).status_code == 403, (role, url)


def test_admin_pages_carry_the_print_stylesheet(login_as, house):
    page = login_as("shelter_manager", offices=()).get("/admin/board/").get_data(as_text=True)
    assert 'media="print" href="/static/css/print.css"' in page
