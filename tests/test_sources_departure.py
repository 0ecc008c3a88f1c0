"""A move-out date delivered ahead of time departs the person when a later Stichtag reaches it."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from caseapp.shelters.models import Stay
from caseapp.workflows.models import Transition
from tests.test_sources_support import abh_person, csv_bytes, import_abh, row

FILE = csv_bytes([row("D-1", wegzugsdatum="15.10.2026"), row("D-2")])




def _steps(db, person_id: int) -> list[tuple]:
    return [(t.event, t.occurred_on, t.by_label) for t in db.session.scalars(
        select(Transition).where(Transition.entity == "person", Transition.entity_id == person_id)
        .order_by(Transition.id))]


def test_unchanged_record_departs_when_the_stichtag_reaches_its_move_out_date(db):
    import_abh(FILE, "ABH_20260930.csv")
    assert abh_person(db, "D-1").state == "housed"
    early = import_abh(FILE, "ABH_20261010.csv")
    assert (early.unchanged, early.updated) == (2, 0)
    assert abh_person(db, "D-1").state == "housed"

    due = import_abh(FILE, "ABH_20261031.csv")
    assert (due.unchanged, due.updated, due.created) == (2, 0, 0)
    d1 = abh_person(db, "D-1")
    assert d1.state == "departed"
    assert _steps(db, d1.id)[-1] == ("depart", date(2026, 10, 15), "source:abh")
    last = db.session.scalar(
        select(Transition).where(Transition.entity_id == d1.id, Transition.event == "depart")
    )
    assert "Wegzugsdatum erreicht" in last.reason
    assert abh_person(db, "D-2").state == "housed"

    transitions = db.session.scalar(select(func.count(Transition.id)))
    again = import_abh(FILE, "ABH_20261031.csv")
    assert (again.unchanged, again.updated) == (2, 0)
    assert db.session.scalar(select(func.count(Transition.id))) == transitions
    later = import_abh(FILE, "ABH_20261115.csv")
    assert later.unchanged == 2 and db.session.scalar(select(func.count(Transition.id))) == transitions


def test_departure_closes_the_shelter_stay_like_a_changed_record(db, factory):
    from caseapp.people.operations import run_transition

    shelter = factory.shelter(name="GU Sedanstraße", street="Sedanstraße", house_number="115")
    data = csv_bytes([row("D-3", strasse="Sedanstraße", hausnummer="115", wegzugsdatum="20.10.2026")])
    import_abh(data, "ABH_20260930.csv")
    person = abh_person(db, "D-3")
    run_transition(person, "allocate", actor="test", on=date(2026, 10, 1), room_id=shelter.rooms[0].id)
    import_abh(data, "ABH_20261031.csv")
    person = abh_person(db, "D-3")
    assert person.state == "departed"
    stay = db.session.scalar(select(Stay).where(Stay.person_id == person.id))
    assert stay.end_date == date(2026, 10, 20)
    assert _steps(db, person.id)[-1] == ("depart", date(2026, 10, 20), "source:abh")


def test_rejected_record_does_not_depart_on_old_data(db):
    import_abh(FILE, "ABH_20260930.csv")
    s = import_abh(
        csv_bytes([row("D-1", wegzugsdatum="15.10.2026", geschlecht="q"), row("D-2")]), "ABH_20261031.csv"
    )
    assert s.rejected == 1
    assert abh_person(db, "D-1").state == "housed"
