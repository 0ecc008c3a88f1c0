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
    assert "noch mit 1 Person(en) belegt" in c.get(f"/admin/shelter/details/?id={s.id}").get_data(
        as_text=True
    )


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
    choose = f"/admin/board/choose/?room_id={s.rooms[1].id}&shelter_id_back={s.id}"
    page = c.get(choose).get_data(as_text=True)
    assert "Wartend" in page
    form = {"event": "allocate", "person_id": str(p.id), "room_id": str(s.rooms[1].id),
            "shelter_id_back": str(s.id), "date": date.today().isoformat()}
    assert c.post("/admin/board/allocate/", data=form).status_code == 400
    confirm = c.post("/admin/board/allocate/", data={**form, "csrf_token": csrf_from(page)})
    assert confirm.status_code == 200 and "Bitte bestätigen" in confirm.get_data(as_text=True)
    db.session.refresh(p)
    assert p.state == "arrived"  # nothing moves before the confirmation
    assert c.post("/admin/board/allocate/", data={**form, "csrf_token": csrf_from(page),
                                                  "confirmed": "1"}).status_code == 302
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
    c.post("/admin/board/allocate/", data={"event": "relocate", "person_id": str(p.id), "confirmed": "1",
                                           "room_id": str(s.rooms[1].id), "csrf_token": csrf_from(page)})
    active = db.session.scalars(select(Stay).where(Stay.person_id == p.id, Stay.end_date.is_(None))).one()
    assert active.room_id == s.rooms[1].id


def test_allocation_of_a_hidden_person_or_by_admin_is_refused(login_as, factory, db):
    s = factory.shelter()
    hidden = factory.person(state="arrived", office="soz")
    c = login_as("caseworker", offices=("abh",))
    token = csrf_from(c.get(f"/admin/board/{s.id}/").get_data(as_text=True))
    form = {"event": "allocate", "person_id": str(hidden.id), "room_id": str(s.rooms[0].id),
            "csrf_token": token, "confirmed": "1"}
    assert c.post("/admin/board/allocate/", data=form).status_code == 404
    admin = login_as("admin")
    token = csrf_from(admin.get(f"/admin/board/{s.id}/").get_data(as_text=True))
    assert admin.post("/admin/board/allocate/", data={**form, "csrf_token": token}).status_code == 403
    db.session.refresh(hidden)
    assert hidden.state == "arrived"


def _cells(html: str, start: str, n: int) -> list[str]:
    row = html[html.index(start):].split("</tr>")[0]
    return [c.strip() for c in re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", row)[:n]]


def test_only_open_shelters_have_free_beds_on_board_and_list(login_as, factory):
    """Board: a planned shelter's 12 beds are not 'Frei' and not in the sum line's free beds. List: a closed
    shelter shows '–' as free, not its empty beds."""
    open_ = factory.shelter(name="GU Offen", rooms=(("1.01", 10),))
    factory.stay(factory.person(state="accommodated"), open_.rooms[0])
    factory.shelter(name="GU Geplant", state="planned", rooms=(("1.01", 12),))
    factory.shelter(name="GU Geschlossen", state="closed", rooms=(("1.01", 7),))
    c = login_as("shelter_manager")
    board = c.get("/admin/board/").get_data(as_text=True)
    assert _cells(board, "GU Geplant", 5)[1:] == ["12", "0", "0", "–"]
    assert _cells(board, 'id="board-total"', 5)[1:] == ["10", "0", "1", "9"]
    listing = c.get("/admin/shelter/?search=Geschlo").get_data(as_text=True)
    assert _cells(listing, "GU Geschlossen", 6)[1:6] == ["geschlossen", "7", "0", "0", "–"]


def _transition(shelter, event, before, after, day):
    from caseapp.workflows.history import record_transition

    record_transition("shelter", shelter.id, event, before, after, day, actor="test")


def test_occupancy_page_sums_open_shelters_and_uses_the_state_of_a_past_day(login_as, factory):
    """Auswertungen > Belegung: the sum line holds the open shelters only (capacity = occupied + free,
    utilisation against that capacity), planned and closed ones in a line of their own; a past Stichtag
    shows each shelter in the state its history gives for that day, not today's."""
    old = factory.shelter(name="GU Alt", state="closed", rooms=(("1.01", 8),))
    _transition(old, "register", None, "planned", date(2023, 1, 2))
    _transition(old, "open", "planned", "open", date(2023, 2, 1))
    _transition(old, "close", "open", "closed", date(2025, 3, 1))
    for _ in range(6):
        factory.stay(
            factory.person(state="housed"), old.rooms[0], start=date(2023, 6, 1), end=date(2025, 1, 1)
        )
    new = factory.shelter(name="GU Neu", rooms=(("1.01", 11),))
    _transition(new, "register", None, "planned", date(2023, 5, 1))
    _transition(new, "open", "planned", "open", date(2024, 12, 31))
    late = factory.shelter(name="GU Ab 2025", state="planned", rooms=(("1.01", 4),))
    _transition(late, "register", None, "planned", date(2025, 2, 1))
    factory.shelter(name="GU Ohne Verlauf", rooms=(("1.01", 5),))  # no history: open since created (today)
    c = login_as("analyst")

    def sums(html, row_id):
        row = html[html.index(f'id="{row_id}"'):].split("</tr>")[0]
        return re.findall(r'class="text-right">([^<]*)</t[hd]>', row)

    past = c.get("/admin/stats/belegung/?as_of=2024-01-15").get_data(as_text=True)
    assert _cells(past, "GU Alt", 9)[1:] == ["geöffnet", "8", "0", "8", "6", "2", "75 %"]
    assert _cells(past, "GU Neu", 9)[1:] == ["geplant", "11", "0", "11", "0", "–", "–"]
    assert "GU Ab 2025" not in past and "GU Ohne Verlauf" not in past
    assert sums(past, "occupancy-total") == ["8", "0", "8", "6", "2", "75 %"]
    assert sums(past, "occupancy-not-open") == ["11", "0", "11", "0", "–", "–"]
    today = c.get("/admin/stats/belegung/").get_data(as_text=True)
    assert _cells(today, "GU Alt", 9)[1:] == ["geschlossen", "8", "0", "8", "0", "–", "–"]
    assert _cells(today, "GU Ab 2025", 9)[1:] == ["geplant", "4", "0", "4", "0", "–", "–"]
    assert sums(today, "occupancy-total") == ["16", "0", "16", "0", "16", "0 %"]
    assert sums(today, "occupancy-not-open") == ["12", "0", "12", "0", "–", "–"]


def test_api_keeps_its_free_figure_for_a_planned_shelter(login_as, factory):
    """The JSON API's contract is unchanged: a planned shelter still answers its empty beds as free."""
    s = factory.shelter(name="GU Vertrag", state="planned", rooms=(("1.01", 12),))
    c = login_as("shelter_manager")
    body = c.get(f"/api/v1/shelters/{s.id}", headers={"Authentication-Token": c.auth_token}).get_json()
    assert body["state"] == "planned" and body["free"] == 12


def test_rooms_get_features_and_can_be_added_later_but_not_to_a_closed_shelter(login_as, factory, db):
    from caseapp.audit.models import AuditEvent
    from caseapp.shelters.models import Shelter

    c = login_as("shelter_manager")
    token = csrf_from(c.get("/admin/shelter/new/").get_data(as_text=True))
    form = {"csrf_token": token, "name": "GU Natruper Straße", "district": "03",
            "rooms": "1.01;4;barrierefrei, Familie\r\n1.02;2;frauen\r\n"}
    assert c.post("/admin/shelter/new/", data=form).status_code == 302
    s = db.session.scalars(select(Shelter).where(Shelter.name == "GU Natruper Straße")).one()
    assert [(r.name, r.accessible, r.family, r.women_only) for r in s.rooms] == [
        ("1.01", True, True, False), ("1.02", False, False, True)]

    details = c.get(f"/admin/shelter/details/?id={s.id}").get_data(as_text=True)
    resp = c.post(f"/admin/shelter/rooms/{s.id}/", data={"csrf_token": csrf_from(details),
                                                        "rooms": "2.01;6\r\n2.02;3;barrierefrei"})
    assert resp.status_code == 302
    page = c.get(f"/admin/shelter/details/?id={s.id}").get_data(as_text=True)
    assert "Zimmer hinzugefügt" in page and "2.02" in page
    db.session.expire_all()
    assert sorted((r.name, r.beds) for r in s.rooms) == [("1.01", 4), ("1.02", 2), ("2.01", 6), ("2.02", 3)]
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.object_type == "shelter",
                                                             AuditEvent.action == "update")) == \
        "rooms_added=2,beds_added=9"

    twice = c.post(f"/admin/shelter/rooms/{s.id}/", data={"csrf_token": csrf_from(page), "rooms": "2.01;2"})
    assert "eindeutig" in c.get(twice.headers["Location"]).get_data(as_text=True)
    bad = c.post(f"/admin/shelter/rooms/{s.id}/",
                 data={"csrf_token": csrf_from(page), "rooms": "3.01;2;sauna"})
    assert "unbekanntes Merkmal sauna" in c.get(bad.headers["Location"]).get_data(as_text=True)

    closed = factory.shelter(name="GU Alt", state="closed", rooms=(("1", 2),))
    db.session.commit()  # kept when the refused request rolls its own work back
    resp = c.post(f"/admin/shelter/rooms/{closed.id}/", data={"csrf_token": csrf_from(page), "rooms": "9;2"})
    assert "geschlossene Unterkunft" in c.get(resp.headers["Location"]).get_data(as_text=True)
    assert len(closed.rooms) == 1
    refused = login_as("caseworker").post(f"/admin/shelter/rooms/{s.id}/", data={"rooms": "4.01;2"})
    assert refused.status_code == 403
