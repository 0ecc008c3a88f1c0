"""Allocation: the automatic room choice, explicit rooms, capacity figures now and in the past."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from caseapp.people.operations import TransitionRefused, run_transition
from caseapp.shelters.queries import active_stay, capacity, room_capacity

TODAY = date.today()


@pytest.fixture()
def cw(factory):
    return factory.user(role="caseworker")


def arrived(factory, **kw):
    return factory.person(state="arrived", **kw)


def room_of(person):
    return active_stay(person.id).room


def test_a_household_is_kept_together(factory, cw):
    shelter = factory.shelter(rooms=(("A", 2), ("B", 4, {"family": True}), ("C", 4, {"family": True})))
    family = factory.household()
    mother = arrived(factory, sex="w", household=family)
    child = arrived(factory, sex="m", household=family, birth="2019-03-00")
    single = arrived(factory, sex="m")
    run_transition(single, "allocate", by=cw, shelter_id=shelter.id)
    assert room_of(single).name == "A"  # single persons leave family rooms free
    run_transition(mother, "allocate", by=cw, shelter_id=shelter.id)
    assert room_of(mother).family
    run_transition(child, "allocate", by=cw, shelter_id=shelter.id)
    assert room_of(child).id == room_of(mother).id


def test_a_household_follows_a_member_into_another_shelter(factory, cw):
    first = factory.shelter(rooms=(("1", 4, {"family": True}),))
    second = factory.shelter(rooms=(("2", 4, {"family": True}),))
    family = factory.household()
    a, b = arrived(factory, household=family), arrived(factory, household=family)
    run_transition(a, "allocate", by=cw, shelter_id=second.id)
    run_transition(b, "allocate", by=cw)  # no shelter given: any open shelter, the family's first
    assert room_of(b).shelter_id == second.id and first.id != second.id


def test_women_only_rooms_take_only_women(factory, cw):
    shelter = factory.shelter(rooms=(("F", 2, {"women_only": True}), ("M", 2)))
    woman, man = arrived(factory, sex="w"), arrived(factory, sex="m")
    run_transition(woman, "allocate", by=cw, shelter_id=shelter.id)
    assert room_of(woman).name == "F"
    with pytest.raises(TransitionRefused, match="nur für Frauen"):
        run_transition(man, "allocate", by=cw, room_id=shelter.rooms[0].id)
    run_transition(man, "allocate", by=cw, shelter_id=shelter.id)
    assert room_of(man).name == "M"


def test_a_wheelchair_user_gets_an_accessible_room_or_a_clear_no(factory, cw):
    shelter = factory.shelter(rooms=(("EG", 1, {"accessible": True}), ("OG", 3)))
    other = arrived(factory)
    run_transition(other, "allocate", by=cw, shelter_id=shelter.id)
    assert room_of(other).name == "OG"  # accessible beds are kept for those who need them
    needs = arrived(factory, needs="rollstuhl")
    run_transition(needs, "allocate", by=cw, shelter_id=shelter.id)
    assert room_of(needs).name == "EG"
    second = arrived(factory, needs="Rollstuhl, Diabetes")
    with pytest.raises(TransitionRefused, match="kein passendes barrierefreies Bett"):
        run_transition(second, "allocate", by=cw, shelter_id=shelter.id)
    assert second.state == "arrived" and active_stay(second.id) is None


def test_a_full_or_closed_shelter_refuses_and_nothing_changes(factory, cw):
    shelter = factory.shelter(rooms=(("1", 1),))
    run_transition(arrived(factory), "allocate", by=cw, shelter_id=shelter.id)
    late = arrived(factory)
    with pytest.raises(TransitionRefused, match="kein passendes Bett"):
        run_transition(late, "allocate", by=cw, shelter_id=shelter.id)
    with pytest.raises(TransitionRefused, match="kein Bett frei"):
        run_transition(late, "allocate", by=cw, room_id=shelter.rooms[0].id)
    planned = factory.shelter(state="planned")
    with pytest.raises(TransitionRefused, match="nicht geöffnet"):
        run_transition(late, "allocate", by=cw, shelter_id=planned.id)
    assert late.state == "arrived" and active_stay(late.id) is None


def test_capacity_counts_blocked_beds_and_the_fire_safety_limit(factory, cw, db):
    from caseapp.shelters.operations import set_blocked_beds

    shelter = factory.shelter(rooms=(("1", 4), ("2", 2)), fire_safety_max=5)
    set_blocked_beds(shelter.rooms[1], 1, by=cw, reason="Wasserschaden")
    assert capacity(shelter) == {"beds": 6, "blocked": 1, "capacity": 5, "occupied": 0, "free": 5}
    for _ in range(5):
        run_transition(arrived(factory), "allocate", by=cw, shelter_id=shelter.id)
    assert capacity(shelter)["free"] == 0
    with pytest.raises(TransitionRefused):
        run_transition(arrived(factory), "allocate", by=cw, shelter_id=shelter.id)
    assert room_capacity(shelter.rooms[1])["capacity"] == 1


def test_blocking_an_occupied_bed_is_refused(factory, cw):
    from caseapp.shelters.operations import set_blocked_beds

    shelter = factory.shelter(rooms=(("1", 2),))
    run_transition(arrived(factory), "allocate", by=cw, shelter_id=shelter.id)
    set_blocked_beds(shelter.rooms[0], 1, by=cw, reason="Quarantäne")
    with pytest.raises(TransitionRefused, match="höchstens 1"):
        set_blocked_beds(shelter.rooms[0], 2, by=cw, reason="Quarantäne")
    assert shelter.rooms[0].blocked_beds == 1


def test_occupancy_as_of_a_past_date_comes_from_stays(factory, cw):
    shelter = factory.shelter(rooms=(("1", 3),))
    a, b = arrived(factory), arrived(factory)
    run_transition(a, "allocate", by=cw, shelter_id=shelter.id, on=TODAY - timedelta(days=20))
    run_transition(b, "allocate", by=cw, shelter_id=shelter.id, on=TODAY - timedelta(days=10))
    run_transition(a, "move_out", by=cw, on=TODAY - timedelta(days=5))
    assert capacity(shelter, TODAY - timedelta(days=21))["occupied"] == 0
    assert capacity(shelter, TODAY - timedelta(days=15))["occupied"] == 1
    assert capacity(shelter, TODAY - timedelta(days=7))["occupied"] == 2
    assert capacity(shelter, TODAY - timedelta(days=5))["occupied"] == 1  # the end day is free again
    assert capacity(shelter)["occupied"] == 1


def test_a_back_dated_allocation_cannot_overfill_the_past(factory, cw):
    shelter = factory.shelter(rooms=(("1", 1),))
    first = arrived(factory)
    run_transition(first, "allocate", by=cw, shelter_id=shelter.id, on=TODAY - timedelta(days=10))
    run_transition(first, "move_out", by=cw, on=TODAY - timedelta(days=3))
    later = arrived(factory)
    with pytest.raises(TransitionRefused):  # the bed was taken on that day
        run_transition(later, "allocate", by=cw, shelter_id=shelter.id, on=TODAY - timedelta(days=5))
    run_transition(later, "allocate", by=cw, shelter_id=shelter.id, on=TODAY - timedelta(days=3))
    assert room_of(later).name == "1"


def test_relocation_moves_the_bed_and_needs_a_target(factory, cw):
    from caseapp.people.operations import InvalidInput

    one, two = factory.shelter(rooms=(("1", 1),)), factory.shelter(rooms=(("2", 1),))
    person = arrived(factory)
    run_transition(person, "allocate", by=cw, shelter_id=one.id, on=TODAY - timedelta(days=2))
    with pytest.raises(InvalidInput, match="shelter_id"):
        run_transition(person, "relocate", by=cw)
    with pytest.raises(TransitionRefused, match="bereits"):
        run_transition(person, "relocate", by=cw, room_id=one.rooms[0].id)
    run_transition(person, "relocate", by=cw, shelter_id=two.id)
    assert room_of(person).shelter_id == two.id
    assert capacity(one)["occupied"] == 0 and capacity(one, TODAY - timedelta(days=1))["occupied"] == 1


def test_a_person_who_lost_their_flat_is_placed_in_a_shelter_again(factory, cw, db):
    from caseapp.workflows.history import history

    shelter = factory.shelter(rooms=(("1", 2),))
    person = arrived(factory)
    run_transition(person, "allocate", by=cw, shelter_id=shelter.id, on=TODAY - timedelta(days=30))
    run_transition(person, "move_out", by=cw, on=TODAY - timedelta(days=10), reason="Mietvertrag")
    assert person.state == "housed" and active_stay(person.id) is None
    run_transition(person, "allocate", by=cw, shelter_id=shelter.id, reason="Wohnungsverlust (Kündigung)")
    assert person.state == "accommodated" and room_of(person).shelter_id == shelter.id
    assert capacity(shelter)["occupied"] == 1
    events = [(h.event, h.from_state, h.to_state) for h in history("person", person.id)]
    assert ("allocate", "housed", "accommodated") in events
