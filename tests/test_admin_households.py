"""Households in the admin: created and edited by caseworkers, chosen in the person form from the
households the user may see, and placed as one unit from a ranked suggestion after a confirmation."""
from __future__ import annotations

import re

from sqlalchemy import select

from caseapp.shelters.queries import active_stay
from tests.test_admin_people import csrf_from


def test_a_caseworker_creates_and_edits_a_household(login_as, factory, db):
    from caseapp.people.models import Household

    c = login_as("caseworker", offices=("soz",))
    token = csrf_from(c.get("/admin/household/new/").get_data(as_text=True))
    assert (
        c.post("/admin/household/new/", data={"csrf_token": token, "label": "Familie Kidane"}).status_code
        == 302
    )
    household = db.session.scalars(select(Household).where(Household.label == "Familie Kidane")).one()
    assert household.office_code == "soz"
    mother = factory.person(state="arrived", office="soz", household=household, family_name="Kidane")
    son = factory.person(state="arrived", office="soz", household=household, family_name="Kidane")
    page = c.get(f"/admin/household/details/?id={household.id}").get_data(as_text=True)
    c.post(f"/admin/household/edit-household/{household.id}/",
           data={"csrf_token": csrf_from(page), "label": "Familie Kidane-Tesfay", "head_id": str(mother.id),
                 "remove": [str(son.id)]})
    db.session.refresh(household)
    db.session.refresh(son)
    assert household.label == "Familie Kidane-Tesfay" and household.head_id == mother.id
    assert son.household_id is None
    sm = login_as("shelter_manager", offices=())
    assert sm.get("/admin/household/new/").status_code in (302, 403)
    assert sm.post(f"/admin/household/edit-household/{household.id}/", data={"label": "x"}).status_code in (
        400,
        403,
    )


def test_the_person_form_offers_only_visible_households(login_as, factory):
    mine = factory.household("Familie Eigenes Amt")
    factory.person(office="abh", household=mine)
    theirs = factory.household("Familie Anderes Amt")
    factory.person(office="soz", household=theirs)
    page = login_as("caseworker", offices=("abh",)).get("/admin/person/new/").get_data(as_text=True)
    options = re.findall(r'<select[^>]*name="household_id".*?</select>', page, re.DOTALL)[0]
    assert "Familie Eigenes Amt" in options and "Familie Anderes Amt" not in options


def test_a_household_is_placed_from_the_first_suggestion_after_confirmation(login_as, factory, db):
    shelter = factory.shelter(name="GU Familien", rooms=(("F", 4, {"family": True}),))
    household = factory.household("Familie Osei")
    members = [factory.person(state="arrived", household=household, sex=s) for s in ("w", "m", "w")]
    c = login_as("caseworker")
    page = c.get(f"/admin/household/details/?id={household.id}").get_data(as_text=True)
    assert "GU Familien" in page and "Familienzimmer" in page
    form = {"csrf_token": csrf_from(page), "event": "allocate", "shelter_id": str(shelter.id)}
    confirm = c.post(f"/admin/household/move/{household.id}/", data=form).get_data(as_text=True)
    assert "Bitte bestätigen" in confirm and "GU Familien" in confirm
    assert all(active_stay(m.id) is None for m in members)
    c.post(f"/admin/household/move/{household.id}/", data={**form, "confirmed": "1"})
    assert {active_stay(m.id).room_id for m in members} == {shelter.rooms[0].id}


def test_a_person_is_placed_from_a_suggestion_on_the_person_page(login_as, factory):
    shelter = factory.shelter(name="GU Vorschlag", rooms=(("2.01", 2),))
    person = factory.person(state="arrived", family_name="Vorschlag")
    c = login_as("caseworker")
    page = c.get(f"/admin/person/details/?id={person.id}").get_data(as_text=True)
    assert "GU Vorschlag" in page and "2 Betten frei" in page
    form = dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', page.split('id="person-suggestions"')[1]
                           .split("</form>")[0]))
    assert c.post("/admin/board/allocate/", data=form).status_code == 200  # the confirmation page
    assert active_stay(person.id) is None
    done = c.post("/admin/board/allocate/", data={**form, "confirmed": "1"})
    assert done.headers["Location"].endswith(f"/admin/person/details/?id={person.id}")
    assert active_stay(person.id).room_id == shelter.rooms[0].id
