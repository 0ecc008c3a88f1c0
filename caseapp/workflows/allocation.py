"""The automatic room choice: which free bed a person gets when no room is given.

Rule, in this order (the first difference decides):
  hard  - only rooms of open shelters with a free bed from the event date on (fire-safety limit
          included); women-only rooms only for women (sex 'w'); a person whose needs include a
          mobility need (e.g. 'rollstuhl') only in accessible rooms.
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

from dataclasses import dataclass

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.shelters.models import Room, Stay

MOBILITY_NEEDS = {"rollstuhl", "rollator", "gehbehindert", "barrierefrei", "mobilitaet", "mobilität"}
WAITING_STATES = ("announced", "arrived")


def needs_of(person) -> set[str]:
    return {n.strip().lower() for n in (person.needs or "").split(",") if n.strip()}


def needs_accessible(person) -> bool:
    return bool(needs_of(person) & MOBILITY_NEEDS)


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
                             Person.state.not_in(("departed", "housed")))
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


def eligible(room: Room, person, free: int) -> bool:
    if free < 1:
        return False
    if room.women_only and person.sex != "w":
        return False
    return room.accessible or not needs_accessible(person)


def choose_room(person, shelters, free: dict[int, int], *, exclude_room_id: int | None = None) -> Room | None:
    """The best eligible room among the shelters' rooms (see the module docstring), or None."""
    family = household_picture(person)
    wanted = 1 + family.waiting
    single = family.size == 1
    mobility = needs_accessible(person)

    def key(room: Room):
        f = free[room.id]
        return (
            room.id not in family.rooms,
            room.shelter_id not in family.shelters,
            family.waiting > 0 and f < wanted,
            room.family == single,
            single and family.all_women and not room.women_only,
            room.accessible and not mobility,
            abs(f - wanted),
            room.id,
        )

    candidates = [r for s in shelters for r in s.rooms
                  if r.id != exclude_room_id and eligible(r, person, free.get(r.id, 0))]
    return min(candidates, key=key) if candidates else None
