"""Who sees which person and household (issue 13, items 6 and 17): the shelter manager's scope and
households that cross the office boundary."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from caseapp.localtime import local_today
from tests.api_helpers import call, fresh_g

NEW = {"family_name": "Haddad", "given_names": "Rami", "birth_date": "1990-00-00", "sex": "m",
       "nationalities": ["SYR"], "residence_status": "ANKUNFT"}


def _listed(html: str) -> set[int]:
    return {int(i) for i in re.findall(r"details/\?id=(\d+)", html)}


@pytest.fixture()
def user_as(login_as):
    def _login(role, offices=("abh",)):
        fresh_g()
        return login_as(role, offices=offices)

    return _login


@pytest.fixture()
def city(factory):
    """One person on each side of every boundary of the shelter manager's scope."""
    today = local_today()
    shelter = factory.shelter(rooms=(("1.01", 8),))
    room = shelter.rooms[0]
    p = {}
    p["resident"] = factory.person(family_name="Bewohner", state="accommodated")
    factory.stay(p["resident"], room, start=today - timedelta(days=100))
    p["announced"] = factory.person(family_name="Angekuendigt", state="announced")
    p["arrived"] = factory.person(family_name="Angekommen", state="arrived")
    for name, days in (("housed29", 29), ("housed30", 30), ("housed31", 31)):
        p[name] = factory.person(family_name=name.capitalize(), state="housed", needs="rollstuhl")
        factory.stay(p[name], room, start=today - timedelta(days=200), end=today - timedelta(days=days))
    p["departed10"] = factory.person(family_name="Weg10", state="departed")
    factory.stay(p["departed10"], room, start=today - timedelta(days=200), end=today - timedelta(days=10))
    p["departed90"] = factory.person(family_name="Weg90", state="departed")
    factory.stay(p["departed90"], room, start=today - timedelta(days=200), end=today - timedelta(days=90))
    p["flat"] = factory.person(family_name="Wohnung", state="housed", needs="dialyse", office="soz")
    return p


SEEN = {"resident", "announced", "arrived", "housed29", "departed10"}
UNSEEN = {"housed30", "housed31", "departed90", "flat"}


def test_the_shelter_manager_sees_residents_waiting_and_recently_left_only(city, user_as):
    manager = user_as("shelter_manager", offices=())
    listing = _listed(manager.get("/admin/resident/?page_size=100").get_data(as_text=True))
    assert {city[n].id for n in SEEN} <= listing
    assert not {city[n].id for n in UNSEEN} & listing
    for name in SEEN:
        assert call(manager, "GET", f"/api/v1/persons/{city[name].id}").status_code == 200, name
    for name in UNSEEN:  # housed 30 or 31 days ago, departed long ago, never in a shelter
        assert call(manager, "GET", f"/api/v1/persons/{city[name].id}").status_code == 404, name
        fresh_g()
        assert manager.get(f"/admin/resident/details/?id={city[name].id}").status_code == 404, name


def test_caseworker_and_shelter_manager_see_the_union(city, user_as):
    both = user_as("caseworker", offices=("soz",))
    from caseapp.auth.setup import user_datastore
    from caseapp.extensions import db

    user_datastore.add_role_to_user(both.user, "shelter_manager")
    db.session.commit()
    assert call(both, "GET", f"/api/v1/persons/{city['flat'].id}").status_code == 200  # known to soz
    assert call(both, "GET", f"/api/v1/persons/{city['housed29'].id}").status_code == 200  # shelter scope
    assert call(both, "GET", f"/api/v1/persons/{city['housed31'].id}").status_code == 404  # neither


def test_a_household_of_another_office_answers_like_an_unknown_one(factory, user_as, db):
    from caseapp.people.models import Person

    abh_only = factory.household(label="Familie A")
    factory.person(family_name="Nurabh", household=abh_only, office="abh")
    soz_family = factory.household(label="Familie S")
    factory.person(family_name="Auchsoz", household=soz_family, office="soz")
    soz = user_as("caseworker", offices=("soz",))

    hidden = call(soz, "POST", "/api/v1/persons", {**NEW, "household_id": abh_only.id})
    unknown = call(soz, "POST", "/api/v1/persons", {**NEW, "household_id": 99_999_999})
    assert hidden.status_code == unknown.status_code == 400
    assert hidden.get_json()["error"].replace(str(abh_only.id), "N") == \
        unknown.get_json()["error"].replace("99999999", "N")
    assert len(db.session.scalars(select(Person).where(Person.household_id == abh_only.id)).all()) == 1
    ok = call(soz, "POST", "/api/v1/persons", {**NEW, "household_id": soz_family.id})
    assert ok.status_code == 201 and db.session.get(Person, ok.get_json()["id"]).household_id == soz_family.id


def test_a_new_household_of_the_own_office_may_be_joined_before_it_has_members(factory, user_as, db):
    from caseapp.people.access import visible_households
    from caseapp.people.models import Household

    empty_soz = Household(label="Neu", office_code="soz")
    empty_abh = Household(label="Neu", office_code="abh")
    db.session.add_all([empty_soz, empty_abh])
    db.session.flush()
    soz = user_as("caseworker", offices=("soz",))
    ids = set(db.session.scalars(visible_households(soz.user, select(Household.id))))
    assert empty_soz.id in ids and empty_abh.id not in ids
    assert call(soz, "POST", "/api/v1/persons", {**NEW, "household_id": empty_soz.id}).status_code == 201
    assert call(soz, "POST", "/api/v1/persons", {**NEW, "household_id": empty_abh.id}).status_code == 400
    analyst = user_as("analyst", offices=("soz",))
    assert set(db.session.scalars(visible_households(analyst.user, select(Household.id)))) == set()


def test_the_admin_person_form_refuses_another_offices_household(factory, login_as, db):
    from tests.test_admin_people import csrf_from

    abh_only = factory.household(label="Familie A")
    factory.person(family_name="Nurabh", household=abh_only, office="abh")
    p = factory.person(family_name="Sozperson", office="soz", birth="1988-00-00")
    c = login_as("caseworker", offices=("soz",))
    page = c.get(f"/admin/person/edit/?id={p.id}").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "family_name": "Sozperson", "given_names": p.given_names,
            "birth": "00.00.1988", "sex": p.sex, "nationality": "SYR", "residence_status": p.residence_status,
            "household_id": str(abh_only.id)}
    resp = c.post(f"/admin/person/edit/?id={p.id}", data=form)
    assert resp.status_code == 200 and "nicht zugänglich" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert p.household_id is None
    new = c.get("/admin/person/new/").get_data(as_text=True)
    created = c.post("/admin/person/new/", data={**form, "csrf_token": csrf_from(new), "family_name": "Neu",
                                                 "office": "soz"})
    assert created.status_code == 200 and "nicht zugänglich" in created.get_data(as_text=True)
