"""Every step leaves a history row and a content-free audit row; dates follow the rules; refusals change
nothing."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEvent
from caseapp.people.operations import InvalidInput, TransitionRefused, register_person, run_transition
from caseapp.workflows.history import history

TODAY = date.today()


@pytest.fixture()
def cw(factory):
    return factory.user(role="caseworker", offices=("int",))


def register(cw, **kw):
    fields = {"family_name": "Yılmaz", "given_names": "Ayşe", "birth": "1985-07-00", "sex": "w",
              "nationalities": ["TUR", "SYR"], "residence_status": "GESTATTUNG"}
    fields.update(kw)
    return register_person(by=cw, **fields)


def test_registration_and_steps_are_in_the_history(db, factory, cw):
    shelter = factory.shelter()
    person = register(cw)
    assert person.state == "announced" and person.nationality == "TUR"
    assert [o.office_code for o in person.offices] == ["int"] and person.offices[0].via == "registration"
    run_transition(person, "arrive", by=cw, on=TODAY - timedelta(days=4), reason="Zuweisung durch LAB")
    run_transition(person, "allocate", by=cw, shelter_id=shelter.id, on=TODAY - timedelta(days=4))
    run_transition(person, "depart", actor="source:abh", on=TODAY)
    steps = [(t.event, t.from_state, t.to_state, t.occurred_on) for t in history("person", person.id)]
    assert steps == [
        ("arrive", "announced", "arrived", TODAY - timedelta(days=4)),
        ("allocate", "arrived", "accommodated", TODAY - timedelta(days=4)),
        ("register", None, "announced", TODAY),
        ("depart", "accommodated", "departed", TODAY),
    ]
    rows = history("person", person.id)
    assert rows[0].by_user_id == cw.id and rows[0].reason == "Zuweisung durch LAB"
    assert rows[-1].by_user_id is None and rows[-1].by_label == "source:abh"
    assert person.move_in_date == TODAY - timedelta(days=4) and person.move_out_date == TODAY


def test_audit_rows_name_the_step_but_hold_no_personal_data(db, factory, cw):
    person = register(cw, azr_number="555555555555")
    run_transition(person, "arrive", by=cw)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(person.id))
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.object_type) for e in events] == [
        ("create", "person"),
        ("transition:arrive", "person"),
    ]
    for e in events:
        text = " ".join(str(getattr(e, f)) for f in ("detail", "actor", "office", "object_id"))
        assert "Yılmaz" not in text and "555555555555" not in text and "1985" not in text


def test_dates_never_in_the_future_nor_before_the_last_step(db, factory, cw):
    person = register(cw)
    with pytest.raises(InvalidInput, match="Zukunft"):
        run_transition(person, "arrive", by=cw, on=TODAY + timedelta(days=1))
    run_transition(person, "arrive", by=cw, on=TODAY - timedelta(days=2))
    with pytest.raises(TransitionRefused, match="vor dem letzten Schritt"):
        run_transition(person, "depart", by=cw, on=TODAY - timedelta(days=3))
    assert person.state == "arrived" and len(history("person", person.id)) == 2


def test_unknown_and_impossible_events_say_why(db, factory, cw):
    person = register(cw)
    with pytest.raises(InvalidInput, match="event"):
        run_transition(person, "fly", by=cw)
    with pytest.raises(TransitionRefused, match="„Auszug in Wohnung“ ist im Zustand „angekündigt“ nicht "
                                                "möglich"):
        run_transition(person, "move_out", by=cw)
    run_transition(person, "depart", by=cw)
    with pytest.raises(TransitionRefused, match="weggezogen"):
        run_transition(person, "arrive", by=cw)


def test_move_out_straight_from_arrival(db, factory, cw):
    person = register(cw)
    run_transition(person, "arrive", by=cw)
    run_transition(person, "move_out", by=cw)
    assert person.state == "housed"


@pytest.mark.parametrize("change,field", [
    ({"birth": "1985-02-30"}, "birth_date"),
    ({"nationalities": ["TUR", "XYZ"]}, "nationalities"),
    ({"nationalities": []}, "nationalities"),
    ({"sex": "f"}, "sex"),
    ({"residence_status": "ASYL"}, "residence_status"),
    ({"azr_number": "12345678901a"}, "azr_number"),
    ({"district": "24"}, "district"),
    ({"postcode": "4907"}, "postcode"),
    ({"entry_date": "2026-02-31"}, "entry_date"),
    ({"shoe_size": 42}, "shoe_size"),
])
def test_registration_refuses_bad_fields_by_name(db, cw, change, field):
    with pytest.raises(InvalidInput) as err:
        register(cw, **change)
    assert err.value.field == field


def test_a_duplicate_azr_number_of_the_own_office_is_refused(db, factory, cw):
    """Within the user's offices the duplicate is named; another office's number answers neutrally
    (issue 13 item 7, tests/test_linkage_registration*)."""
    factory.person(azr_number="111122223333", office="int")
    with pytest.raises(InvalidInput, match="bereits"):
        register(cw, azr_number="111122223333")


def test_shelter_lifecycle_and_history(db, factory, cw):
    from caseapp.shelters.operations import create_shelter, shelter_event

    shelter = create_shelter(by=cw, name="GU Lotter Straße", district="12",
                             rooms=[{"name": "1", "beds": 2, "family": True}])
    assert shelter.state == "planned"
    shelter_event(shelter, "open", by=cw, on=TODAY - timedelta(days=30))
    person = factory.person(state="arrived")
    run_transition(person, "allocate", by=cw, shelter_id=shelter.id)
    with pytest.raises(TransitionRefused, match="belegt"):
        shelter_event(shelter, "close", by=cw)
    run_transition(person, "move_out", by=cw)
    shelter_event(shelter, "close", by=cw, reason="Mietvertrag endet")
    assert [(t.event, t.to_state) for t in history("shelter", shelter.id)] == [
        ("open", "open"), ("register", "planned"), ("close", "closed")]
    with pytest.raises(TransitionRefused):
        shelter_event(shelter, "open", by=cw)


def test_an_arrival_before_the_planned_day_replaces_the_plan_so_the_departure_is_dated_too(db, cw):
    """An announced person expected on a later day arrives early and leaves again: the person's record
    shows the real move-in and move-out days, not the plan and nothing."""
    person = register(cw, move_in_date=TODAY + timedelta(days=11))
    run_transition(person, "arrive", by=cw, on=TODAY - timedelta(days=20))
    assert person.move_in_date == TODAY - timedelta(days=20)
    run_transition(person, "depart", by=cw, on=TODAY)
    assert (person.move_in_date, person.move_out_date) == (TODAY - timedelta(days=20), TODAY)
