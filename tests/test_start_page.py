"""The start page helps each role with what it may see: search, waiting persons, free beds, last syncs."""
from __future__ import annotations

from datetime import date

import pytest

PANELS = ("start-search", "start-waiting", "start-free-beds", "start-syncs")


@pytest.fixture()
def city(factory, db):
    from caseapp.sources.models import SyncRun

    shelter = factory.shelter(name="GU Sedanstraße", rooms=(("1.01", 4), ("1.02", 2)))
    resident = factory.person(family_name="Okafor", state="accommodated")
    factory.stay(resident, shelter.rooms[0])
    waiting = factory.person(family_name="Wartend", given_names="Amina", state="arrived", office="abh")
    hidden = factory.person(family_name="Fremdwartend", state="arrived", office="soz")
    db.session.add_all([SyncRun(source_code="abh", as_of=date(2026, 11, 30), status="done", rejected=3),
                        SyncRun(source_code="soz", as_of=date(2026, 11, 29), status="done", rejected=7)])
    db.session.flush()
    return {"waiting": waiting, "hidden": hidden}


def _shown(html: str) -> set[str]:
    return {p for p in PANELS if f'id="{p}"' in html}


def test_caseworker_sees_search_waiting_free_beds_and_own_syncs(login_as, city):
    html = login_as("caseworker", offices=("abh",)).get("/admin/").get_data(as_text=True)
    assert _shown(html) == set(PANELS)
    assert 'action="/admin/person/search/"' in html and 'method="post"' in html
    waiting = html.split('id="start-waiting"')[1].split("</div>")[0]
    assert "Wartend, Amina" in waiting and "Fremdwartend" not in waiting
    beds = html.split('id="start-free-beds"')[1].split("</table>")[0]
    assert "Freie Betten jetzt: 5" in beds and "GU Sedanstraße" in beds
    syncs = html.split('id="start-syncs"')[1].split("</table>")[0]
    assert "30.11.2026" in syncs and ">3<" in syncs and "29.11.2026" not in syncs


def test_each_role_sees_only_its_panels(login_as, city):
    manager = login_as("shelter_manager", offices=()).get("/admin/").get_data(as_text=True)
    assert _shown(manager) == {"start-search", "start-waiting", "start-free-beds"}
    assert 'action="/admin/resident/search/"' in manager
    admin = login_as("admin", offices=()).get("/admin/").get_data(as_text=True)
    assert _shown(admin) == {"start-free-beds", "start-syncs"} and "Wartend" not in admin
    assert ">7<" in admin  # every source's last run
    for role in ("analyst", "auditor"):
        html = login_as(role, offices=()).get("/admin/").get_data(as_text=True)
        assert _shown(html) == set() and "Wartend" not in html, role
