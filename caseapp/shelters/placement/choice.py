"""The room a person moves into: the given room checked, or the automatic choice when none is given.

Rule, in this order (the first difference decides):
  hard  - only rooms of open shelters with a free bed from the event date on (fire-safety limit
          included) that keep every protection rule of rules.py (barrier-free need, women-only
          rooms, no unrelated adult of another sex unless the room is mixed).
  1. keep the household together: a room where a household member lives now, then a shelter where
     one lives;
  2. a household whose other not-yet-placed members (announced or arrived) are still to come gets a
     room with beds for all of them if there is one;
  3. households prefer family rooms, single persons prefer the others; single women prefer
     women-only rooms; persons without a mobility need leave accessible rooms to those with one;
  4. best fit: the room whose free beds exceed the beds needed the least (big rooms stay free for
     families); last, the lowest room id, so the choice is deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from caseapp.codelists import SETTLED_STATES, WAITING_STATES, ShelterState
from caseapp.extensions import db
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.shelters.operations import load_shelters, lock_shelters
from caseapp.shelters.placement import rules
from caseapp.shelters.placement.rules import Mover, Sleeper, breaches, needs_accessible, refusal
from caseapp.shelters.queries import free_beds_from
from caseapp.workflows.dates import german
from caseapp.workflows.errors import InvalidInput, TransitionRefused
from caseapp.workflows.states import STATE_LABELS_DE


@dataclass
class HouseholdPicture:
    size: int = 1  # the person and every member not departed or housed
    rooms: frozenset[int] = frozenset()  # rooms where members live now
    shelters: frozenset[int] = frozenset()
    waiting: int = 0  # members still to be placed, besides this person
    all_women: bool = True


def household_picture(person) -> HouseholdPicture:
    if person.household_id is None:
        return HouseholdPicture(all_women=person.sex == "w")
    from caseapp.people.models import Person

    members = list(db.session.scalars(
        select(Person).where(Person.household_id == person.household_id, Person.id != person.id,
                             Person.state.not_in(SETTLED_STATES))
    ))
    placed = db.session.execute(
        select(Stay.room_id, Room.shelter_id).join(Room, Room.id == Stay.room_id)
        .where(Stay.person_id.in_([m.id for m in members] or [-1]), Stay.end_date.is_(None))
    ).all()
    return HouseholdPicture(
        size=1 + len(members),
        rooms=frozenset(r for r, _ in placed),
        shelters=frozenset(s for _, s in placed),
        waiting=sum(1 for m in members if m.state in WAITING_STATES),
        all_women=person.sex == "w" and all(m.sex == "w" for m in members),
    )


def choose_room(person, shelters, free: dict[int, int], *, on: date, exclude_room_id: int | None = None,
                sleepers: dict[int, list[Sleeper]] | None = None) -> Room | None:
    """The best room among the shelters' rooms that has a free bed and keeps every protection rule
    (see the module docstring and rules.py), or None."""
    family = household_picture(person)
    wanted = 1 + family.waiting
    single = family.size == 1
    mover = Mover.of(person, on)
    if sleepers is None:
        sleepers = rules.sleepers_by_room(
            [r.id for s in shelters for r in s.rooms], on, exclude_person_ids=[person.id]
        )

    def key(room: Room):
        f = free[room.id]
        return (
            room.id not in family.rooms,
            room.shelter_id not in family.shelters,
            family.waiting > 0 and f < wanted,
            room.family == single,
            single and family.all_women and not room.women_only,
            room.accessible and not mover.accessible,
            abs(f - wanted),
            room.id,
        )

    candidates = [r for s in shelters for r in s.rooms
                  if r.id != exclude_room_id and free.get(r.id, 0) >= 1
                  and not breaches(mover, r, sleepers.get(r.id, []))]
    return min(candidates, key=key) if candidates else None


def may_override(by, override_reason: str | None) -> bool:
    """Only a shelter manager, and only with a reason, may place against a protection rule."""
    from caseapp.auth.roles import SHELTER_MANAGER, has_any

    return bool(override_reason) and by is not None and has_any(by, {SHELTER_MANAGER})


@dataclass
class Target:
    """Where a transition moves the person, and the protection rules a shelter manager overrode for it."""

    room: Room
    overridden: list[str] = field(default_factory=list)


def target_shelters(event: str, shelter_id, room_id) -> tuple[Room | None, list[int]]:
    """The given room (or None) and the ids of the shelters a placement may look in: the given room's
    shelter, the given shelter, else every open shelter. Shared by a person's transition (target_room) and
    a household's (placement/household.py), so both refuse the same input with the same words."""
    room = None
    if room_id is not None:
        valid = isinstance(room_id, int) and not isinstance(room_id, bool)
        room = db.session.get(Room, room_id) if valid else None
        if room is None:
            raise InvalidInput("room_id", f"Zimmer {room_id} gibt es nicht")
        if shelter_id is not None and room.shelter_id != shelter_id:
            raise InvalidInput("room_id", f"Zimmer {room_id} gehört nicht zur Unterkunft {shelter_id}")
        return room, [room.shelter_id]
    if shelter_id is not None:
        if isinstance(shelter_id, bool) or not isinstance(shelter_id, int):
            raise InvalidInput("shelter_id", f"Unterkunft {shelter_id} gibt es nicht")
        return None, [shelter_id]
    if event == "relocate":
        raise InvalidInput("shelter_id", "Für eine Verlegung Unterkunft (shelter_id) oder Zimmer (room_id) "
                                         "angeben")
    return None, list(db.session.scalars(select(Shelter.id).where(Shelter.state == ShelterState.open)))


def target_room(person, event: str, on: date, shelter_id, room_id, current: Stay | None, *,
                override: bool = False) -> Target:
    """The room the person moves into: the given one if it has a free bed and keeps the protection
    rules (or `override` is granted), else the automatic choice."""
    current_room = current.room if current else None
    room, shelter_ids = target_shelters(event, shelter_id, room_id)
    leaving = [current_room.shelter_id] if current_room else []
    # First decide on what this transaction sees without locks: a refusal then is a true answer
    # ("no bed free right now") and costs no lock, so a crowd of requests for a full shelter does
    # not queue. A placement is decided again under the shelter locks (id order, no deadlocks).
    loaded = load_shelters(shelter_ids)
    if not loaded:
        raise InvalidInput("shelter_id", f"Unterkunft {shelter_id} gibt es nicht")
    _decide(person, on, shelter_id, room, current_room, loaded, override)
    locked = lock_shelters(shelter_ids + leaving)
    return _decide(
        person, on, shelter_id, room, current_room, [s for s in locked if s.id in shelter_ids], override
    )


def _decide(person, on: date, shelter_id, room: Room | None, current_room: Room | None,
            targets: list[Shelter], override: bool) -> Target:
    if shelter_id is not None or room is not None:
        (target,) = targets
        if target.state != ShelterState.open:
            raise TransitionRefused(
                f"Die Unterkunft „{target.name}“ ist {STATE_LABELS_DE[target.state]}, nicht geöffnet"
            )
    targets = [s for s in targets if s.state == ShelterState.open]
    free = free_beds_from(targets, on, exclude_person_id=person.id)
    if room is not None:
        return _check_given_room(person, room, free.get(room.id, 0), current_room, on, override)
    chosen = choose_room(
        person, targets, free, on=on, exclude_room_id=current_room.id if current_room else None
    )
    if chosen is None:
        need = " barrierefreies" if needs_accessible(person) else ""
        if shelter_id is not None:
            raise TransitionRefused(
                f"In der Unterkunft „{targets[0].name}“ ist ab dem {german(on)} kein passendes{need} Bett "
                "frei")
        raise TransitionRefused(f"In keiner geöffneten Unterkunft ist ab dem {german(on)} ein "
                                f"passendes{need} Bett frei")
    return Target(chosen)


def _check_given_room(person, room: Room, free: int, current_room: Room | None, on: date,
                      override: bool) -> Target:
    if current_room is not None and current_room.id == room.id:
        raise TransitionRefused(f"Die Person wohnt bereits im Zimmer {room.name}")
    if free < 1:
        raise TransitionRefused(f"Im Zimmer {room.name} ist kein Bett frei")
    sleepers = rules.sleepers_by_room([room.id], on, exclude_person_ids=[person.id])[room.id]
    broken = breaches(Mover.of(person, on), room, sleepers)
    if broken and not override:
        raise TransitionRefused(refusal(broken, room) + ". Übergehen kann nur die Unterkunftsverwaltung "
                                "mit einer Begründung (override_reason).")
    return Target(room, broken)
