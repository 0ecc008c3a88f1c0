"""The protection rules of every placement: who may sleep in which room, and who may override a refusal."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEvent
from caseapp.people.operations import TransitionRefused, run_transition
from caseapp.shelters.queries import active_stay
from caseapp.workflows.models import Transition


@pytest.fixture()
def cw(factory):
    return factory.user(role="caseworker")


@pytest.fixture()
def sm(factory):
    return factory.user(role="shelter_manager", offices=())


def arrived(factory, **kw):
    return factory.person(state="arrived", **kw)


def housed_in(factory, room, **kw):
    person = factory.person(state="accommodated", **kw)
    factory.stay(person, room)
    return person


def room_of(person):
    return active_stay(person.id).room


def test_the_automatic_choice_never_puts_a_woman_with_an_unrelated_man(factory, cw):
    # The reported case: a single woman relocated into a room holding one unrelated single man.
    shelter = factory.shelter(rooms=(("1", 2), ("2", 2), ("3", 4)))
    man = housed_in(factory, shelter.rooms[0], sex="m")
    woman = housed_in(factory, shelter.rooms[1], sex="w")
    run_transition(woman, "relocate", by=cw, shelter_id=shelter.id)
    assert room_of(woman).name == "3"  # empty room, not room 1 with the man, though room 1 fits better
    assert room_of(man).name == "1"


def test_with_only_a_room_holding_an_unrelated_man_left_the_woman_is_refused(factory, cw):
    shelter = factory.shelter(rooms=(("1", 2),))
    housed_in(factory, shelter.rooms[0], sex="m")
    woman = arrived(factory, sex="w")
    with pytest.raises(TransitionRefused, match="kein passendes Bett"):
        run_transition(woman, "allocate", by=cw, shelter_id=shelter.id)
    assert active_stay(woman.id) is None


def test_a_room_marked_mixed_or_a_household_member_lets_them_share(factory, cw):
    shelter = factory.shelter(rooms=(("G", 2, {"mixed": True}),))
    housed_in(factory, shelter.rooms[0], sex="m")
    woman = arrived(factory, sex="w")
    run_transition(woman, "allocate", by=cw, shelter_id=shelter.id)
    assert room_of(woman).name == "G"

    family = factory.household()
    other = factory.shelter(rooms=(("F", 3),))
    housed_in(factory, other.rooms[0], sex="m", household=family)
    wife = arrived(factory, sex="w", household=family)
    run_transition(wife, "allocate", by=cw, room_id=other.rooms[0].id)
    assert room_of(wife).name == "F"


def test_an_adult_man_is_not_put_with_an_unrelated_girl_but_a_boy_with_his_mother_in_a_womens_room(
    factory, cw
):
    shelter = factory.shelter(rooms=(("1", 2), ("W", 3, {"women_only": True})))
    housed_in(factory, shelter.rooms[0], sex="w", birth="2012-01-01")
    man = arrived(factory, sex="m")
    with pytest.raises(TransitionRefused, match="Geschlechtertrennung"):
        run_transition(man, "allocate", by=cw, room_id=shelter.rooms[0].id)
    family = factory.household()
    mother = housed_in(factory, shelter.rooms[1], sex="w", household=family)
    son = arrived(factory, sex="m", birth="2018-04-00", household=family)
    run_transition(son, "allocate", by=cw, room_id=shelter.rooms[1].id)
    assert room_of(son).id == room_of(mother).id
    adult_son = arrived(factory, sex="m", birth="2000-04-00", household=family)
    with pytest.raises(TransitionRefused, match="Frauenzimmer"):
        run_transition(adult_son, "allocate", by=cw, room_id=shelter.rooms[1].id)


@pytest.mark.parametrize(("rooms", "occupant", "mover", "rule"), [
    ((("OG", 2),), None, {"needs": "rollstuhl"}, "barrierefreies Bett"),
    ((("W", 2, {"women_only": True}),), None, {"sex": "m"}, "Frauenzimmer"),
    ((("1", 2),), {"sex": "m"}, {"sex": "w"}, "Geschlechtertrennung"),
])
def test_a_manual_choice_breaking_a_rule_is_refused_naming_it(factory, cw, rooms, occupant, mover, rule):
    shelter = factory.shelter(rooms=rooms)
    if occupant:
        housed_in(factory, shelter.rooms[0], **occupant)
    person = arrived(factory, **mover)
    with pytest.raises(TransitionRefused, match=f"Schutzregel „{rule}“"):
        run_transition(person, "allocate", by=cw, room_id=shelter.rooms[0].id)
    # A caseworker cannot override, even with a reason.
    with pytest.raises(TransitionRefused, match=rule):
        run_transition(person, "allocate", by=cw, room_id=shelter.rooms[0].id, override_reason="Notfall")
    assert person.state == "arrived" and active_stay(person.id) is None


def test_a_shelter_manager_overrides_with_a_reason_and_it_is_audited(factory, sm, db):
    shelter = factory.shelter(rooms=(("OG", 2),))
    person = arrived(factory, needs="rollstuhl")
    with pytest.raises(TransitionRefused, match="barrierefreies Bett"):
        run_transition(person, "allocate", by=sm, room_id=shelter.rooms[0].id)  # no reason, no override
    run_transition(person, "allocate", by=sm, room_id=shelter.rooms[0].id,
                   override_reason="Aufzug repariert, Rampe vorhanden")
    assert room_of(person).name == "OG"
    history = db.session.scalars(select(Transition).where(Transition.entity_id == person.id,
                                                          Transition.event == "allocate")).one()
    assert "barrierefreies Bett" in history.reason and "Aufzug repariert" in history.reason
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.object_id == str(person.id),
                                                        AuditEvent.action == "transition:allocate")).one()
    assert "override=barrierefrei" in audit.detail and "Aufzug" in audit.detail
    assert audit.user_id == sm.id
