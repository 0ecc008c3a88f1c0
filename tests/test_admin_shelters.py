"""Shelter admin and occupancy board: who may use them, capacity figures, open/close, allocation by POST."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.test_admin_people import csrf_from


@pytest.mark.parametrize("role,status", [("admin", 200), ("shelter_manager", 200), ("caseworker", 403),
                                         ("analyst", 403), ("auditor", 403)])
def test_shelter_management_is_for_admin_and_shelter_managers(login_as, role, status):
    assert login_as(role).get("/admin/shelter/").status_code == status


@pytest.mark.parametrize("role,status", [("admin", 200), ("shelter_manager", 200), ("caseworker", 200),
                                         ("analyst", 403), ("auditor", 403)])
def test_board_roles(login_as, factory, role, status):
    s = factory.shelter()
    c = login_as(role)
    assert c.get("/admin/board/").status_code == status
    assert c.get(f"/admin/board/{s.id}/").status_code == status


@pytest.mark.parametrize("role,status", [("admin", 200), ("shelter_manager", 403), ("caseworker", 403),
                                         ("analyst", 403), ("auditor", 403)])
def test_districts_are_listed_for_admins_only(login_as, role, status):
    resp = login_as(role).get("/admin/district/")
    assert resp.status_code == status
    if status == 200:
        html = resp.get_data(as_text=True)
        assert "Innenstadt" in html and "Schölerberg" in html


def test_shelter_list_shows_capacity_figures(login_as, factory):
    s = factory.shelter(name="GU Kapazität", rooms=(("1.01", 4, {"blocked_beds": 1}), ("1.02", 2)))
    factory.stay(factory.person(state="accommodated"), s.rooms[0])
    html = login_as("shelter_manager").get("/admin/shelter/?search=Kapazit").get_data(as_text=True)
    row = html[html.index("GU Kapazität"):]
    cells = [c.strip() for c in re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", row)[:6]]
    assert cells[1:6] == ["geöffnet", "6", "1", "1", "4"]


def test_shelter_is_created_through_the_operation(login_as, db):
    from caseapp.shelters.models import Shelter

    c = login_as("shelter_manager")
    token = csrf_from(c.get("/admin/shelter/new/").get_data(as_text=True))
    form = {"csrf_token": token, "name": "GU Hafenstraße", "district": "07", "rooms": "1.01;4\r\n1.02;2\r\n"}
    assert c.post("/admin/shelter/new/", data=form).status_code == 302
    s = db.session.scalars(select(Shelter).where(Shelter.name == "GU Hafenstraße")).one()
    assert s.state == "planned" and [(r.name, r.beds) for r in s.rooms] == [("1.01", 4), ("1.02", 2)]
    bad = c.post("/admin/shelter/new/", data={**form, "name": "GU Zwei", "rooms": "1.01 vier"})
    assert "Zeile 1" in bad.get_data(as_text=True)


def test_open_and_close_are_post_buttons_and_closing_an_occupied_shelter_is_refused(login_as, factory, db):
    s = factory.shelter(state="planned")
    c = login_as("shelter_manager")
    page = c.get(f"/admin/shelter/details/?id={s.id}").get_data(as_text=True)
    assert "Öffnen" in page
    assert c.post(f"/admin/shelter/event/{s.id}/", data={"event": "open"}).status_code == 400
    c.post(f"/admin/shelter/event/{s.id}/", data={"event": "open", "csrf_token": csrf_from(page)})
    db.session.refresh(s)
    assert s.state == "open"
    factory.stay(factory.person(state="accommodated"), s.rooms[0])
    page = c.get(f"/admin/shelter/details/?id={s.id}").get_data(as_text=True)
    c.post(f"/admin/shelter/event/{s.id}/", data={"event": "close", "csrf_token": csrf_from(page)})
    db.session.refresh(s)
    assert s.state == "open"
    assert "noch mit 1 Person(en) belegt" in c.get(f"/admin/shelter/details/?id={s.id}").get_data(as_text=True)


def test_blocking_beds_goes_through_the_operation(login_as, factory, db):
    s = factory.shelter(rooms=(("2.01", 3),))
    c = login_as("admin")
    token = csrf_from(c.get(f"/admin/shelter/details/?id={s.id}").get_data(as_text=True))
    c.post(f"/admin/shelter/block/{s.rooms[0].id}/",
           data={"csrf_token": token, "blocked_beds": "2", "reason": "Wasserschaden"})
    db.session.refresh(s.rooms[0])
    assert s.rooms[0].blocked_beds == 2


def test_board_colours_by_fill_level(login_as, factory):
    full = factory.shelter(name="GU Voll", rooms=(("1", 1),))
    factory.stay(factory.person(state="accommodated"), full.rooms[0])
    empty = factory.shelter(name="GU Leer", rooms=(("1", 10),))
    html = login_as("admin").get("/admin/board/").get_data(as_text=True)
    assert re.search(rf'data-shelter="{full.id}" data-fill="danger"', html)
    assert re.search(rf'data-shelter="{empty.id}" data-fill="success"', html)


def test_board_shows_names_only_to_roles_that_may_see_them(login_as, factory):
    s = factory.shelter(rooms=(("1.01", 3),))
    mine = factory.person(family_name="Eigenamt", state="accommodated", office="abh")
    other = factory.person(family_name="Fremdamt", state="accommodated", office="soz")
    factory.stay(mine, s.rooms[0])
    factory.stay(other, s.rooms[0])
    url = f"/admin/board/{s.id}/"
    manager = login_as("shelter_manager", offices=()).get(url).get_data(as_text=True)
    assert "Eigenamt" in manager and "Fremdamt" in manager
    caseworker = login_as("caseworker", offices=("abh",)).get(url).get_data(as_text=True)
    assert "Eigenamt" in caseworker and "Fremdamt" not in caseworker
    admin = login_as("admin").get(url).get_data(as_text=True)
    assert "Eigenamt" not in admin and "Fremdamt" not in admin and admin.count("bed-occupied") == 2
    assert admin.count("bed-free") == 1 and "allocate-form" not in admin


def test_shelter_manager_allocates_into_a_free_bed_from_the_board(login_as, factory, db):
    from caseapp.shelters.models import Stay

    s = factory.shelter(rooms=(("1.01", 1), ("1.02", 2)))
    p = factory.person(family_name="Wartend", state="arrived")
    c = login_as("shelter_manager", offices=())
    page = c.get(f"/admin/board/{s.id}/").get_data(as_text=True)
    assert "Wartend" in page
    form = {"event": "allocate", "person_id": str(p.id), "room_id": str(s.rooms[1].id),
            "shelter_id_back": str(s.id), "date": date.today().isoformat()}
    assert c.post("/admin/board/allocate/", data=form).status_code == 400
    assert c.post("/admin/board/allocate/", data={**form, "csrf_token": csrf_from(page)}).status_code == 302
    db.session.refresh(p)
    assert p.state == "accommodated"
    stay = db.session.scalars(select(Stay).where(Stay.person_id == p.id)).one()
    assert stay.room_id == s.rooms[1].id
    after = c.get(f"/admin/board/{s.id}/").get_data(as_text=True)
    assert after.count("bed-occupied") == 1 and "Zuweisung" in after


def test_relocation_from_the_board(login_as, factory, db):
    from caseapp.shelters.models import Stay

    s = factory.shelter(rooms=(("A", 1), ("B", 1)))
    p = factory.person(state="accommodated")
    factory.stay(p, s.rooms[0], start=date(2026, 1, 5))
    c = login_as("caseworker")
    page = c.get(f"/admin/board/{s.id}/").get_data(as_text=True)
    assert "relocate-form" in page
    c.post("/admin/board/allocate/", data={"event": "relocate", "person_id": str(p.id),
                                           "room_id": str(s.rooms[1].id), "csrf_token": csrf_from(page)})
    active = db.session.scalars(select(Stay).where(Stay.person_id == p.id, Stay.end_date.is_(None))).one()
    assert active.room_id == s.rooms[1].id


def test_allocation_of_a_hidden_person_or_by_admin_is_refused(login_as, factory, db):
    s = factory.shelter()
    hidden = factory.person(state="arrived", office="soz")
    c = login_as("caseworker", offices=("abh",))
    token = csrf_from(c.get(f"/admin/board/{s.id}/").get_data(as_text=True))
    form = {"event": "allocate", "person_id": str(hidden.id), "room_id": str(s.rooms[0].id), "csrf_token": token}
    assert c.post("/admin/board/allocate/", data=form).status_code == 404
    admin = login_as("admin")
    token = csrf_from(admin.get(f"/admin/board/{s.id}/").get_data(as_text=True))
    assert admin.post("/admin/board/allocate/", data={**form, "csrf_token": token}).status_code == 403
    db.session.refresh(hidden)
    assert hidden.state == "arrived"
