"""The person form as a caseworker fills it: names not codes, nothing preselected, all errors at once."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.test_admin_people import csrf_from


def _options(html: str, name: str) -> list[tuple[str, str, bool]]:
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.DOTALL)[1]
    return [(value, label.strip(), "selected" in attrs)
            for attrs, value, label in re.findall(r'<option([^>]*value="([^"]*)"[^>]*)>([^<]*)</option>',
                                                  select_html)]


def test_nationality_by_german_name_and_nothing_preselected(login_as):
    page = login_as("caseworker", offices=("int",)).get("/admin/person/new/").get_data(as_text=True)
    nationality = _options(page, "nationality")
    assert ("SYR", "Syrien", False) in nationality and ("AFG", "Afghanistan", False) in nationality
    labels = [label for _value, label, _sel in nationality]
    assert labels.index("Ägypten") < labels.index("Albanien")  # German order: Ä with A
    sex = _options(page, "sex")
    assert not any(selected for value, _label, selected in sex if value)
    assert {label for _v, label, _s in sex} >= {"männlich", "weiblich"}
    for field in ("street", "house_number", "postcode", "city", "district_number", "household_id"):
        assert f'name="{field}"' in page, field


def test_all_field_errors_are_shown_at_once_and_input_is_kept(login_as, db):
    from caseapp.people.models import Person

    c = login_as("caseworker", offices=("int",))
    token = csrf_from(c.get("/admin/person/new/").get_data(as_text=True))
    resp = c.post("/admin/person/new/", data={"csrf_token": token, "family_name": "Nur Nachname",
                                              "birth": "31.02.1990", "postcode": "4907", "azr_number": "12",
                                              "office": "int"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    for message in ("Bitte die Vornamen eingeben", "Den Tag 31.02.1990 gibt es nicht", "Bitte auswählen",
                    "Bitte die Staatsangehörigkeit auswählen", "Eine Postleitzahl hat 5 Ziffern",
                    "Genau 12 Ziffern"):
        assert message in html, message
    assert 'value="Nur Nachname"' in html
    assert db.session.scalars(select(Person).where(Person.family_name == "Nur Nachname")).all() == []


def test_saving_leads_to_the_person_page_with_address_district_and_household(login_as, factory, db):
    from caseapp.people.models import Person

    mine = factory.household(label="Familie Ahmadi")
    factory.person(family_name="Ahmadi", household=mine, office="int")
    hidden = factory.household(label="Familie Fremd")
    factory.person(family_name="Fremd", household=hidden, office="soz")
    c = login_as("caseworker", offices=("int",))
    page = c.get("/admin/person/new/").get_data(as_text=True)
    households = {label for _v, label, _s in _options(page, "household_id")}
    assert "Familie Ahmadi" in households and "Familie Fremd" not in households
    resp = c.post("/admin/person/new/", data={
        "csrf_token": csrf_from(page), "family_name": "Ahmadi", "given_names": "Sara", "birth": "01.02.2001",
        "sex": "w", "nationality": "AFG", "further_nationalities": ["IRN"], "residence_status": "GESTATTUNG",
        "office": "int", "household_id": str(mine.id), "street": "Iburger Straße", "house_number": "12",
        "postcode": "49082", "city": "Osnabrück", "district_number": "11"})
    person = db.session.scalars(select(Person).where(Person.given_names == "Sara")).one()
    assert resp.status_code == 302 and resp.headers["Location"].endswith(
        f"/admin/person/details/?id={person.id}"
    )
    assert person.nationality_codes == ["AFG", "IRN"] and person.household_id == mine.id
    assert (person.street, person.postcode, person.district_number) == ("Iburger Straße", "49082", "11")
    detail = c.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Nächste Schritte" in detail and "Iburger Straße 12, 49082 Osnabrück" in detail
    edit = c.get(f"/admin/person/edit/?id={person.id}").get_data(as_text=True)
    assert ("IRN", "Iran", True) in _options(edit, "further_nationalities")
    assert ("AFG", "Afghanistan", True) in _options(edit, "nationality")
