"""Placing a household together: rooms in one shelter for every member, keeping every protection rule.

One room for all when one has the beds and keeps the rules (a family room first), else several rooms of
the same shelter, filled greedily (members with a mobility need first, rooms the household already uses
first). A household is never spread over two shelters: a shelter that cannot take all is no answer.
`household_rooms` is the whole decision for a household's placing step (people/households.py calls it):
the shelters to look in come from `choice.target_shelters`, shared with a single person's placement.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from caseapp.codelists import ShelterState
from caseapp.extensions import db
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.shelters.operations import load_shelters, lock_shelters
from caseapp.shelters.placement.choice import target_shelters
from caseapp.shelters.placement.rules import Mover, Sleeper, breaches, is_adult, sleepers_by_room
from caseapp.shelters.queries import active_stay
from caseapp.workflows.dates import german
from caseapp.workflows.errors import TransitionRefused


@dataclass
class ShelterPicture:
    """What a shelter offers from a day on, without the beds the movers hold now."""

    shelter: Shelter
    free: dict[int, int]  # room id -> free beds, before the shelter's fire-safety rest
    left: int | None  # beds the fire-safety maximum still allows in the whole shelter (None: no maximum)
    sleepers: dict[int, list[Sleeper]]


def pictures(shelters: list[Shelter], on: date, movers_ids: list[int]) -> list[ShelterPicture]:
    """One query for the beds taken and one for who sleeps where, for all the shelters at once."""
    room_ids = [r.id for s in shelters for r in s.rooms]
    taken: dict[int, int] = {}
    if room_ids:
        stmt = (select(Stay.room_id, func.count()).where(Stay.room_id.in_(room_ids),
                                                         or_(Stay.end_date.is_(None), Stay.end_date > on)))
        if movers_ids:
            stmt = stmt.where(Stay.person_id.not_in(movers_ids))
        taken = dict(db.session.execute(stmt.group_by(Stay.room_id)).all())
    # Who sleeps where matters only in rooms with a free bed (far fewer rows at 200,000 persons).
    open_rooms = [r.id for s in shelters for r in s.rooms if r.beds - r.blocked_beds - taken.get(r.id, 0) > 0]
    sleepers = sleepers_by_room(open_rooms, on, exclude_person_ids=movers_ids)
    out = []
    for shelter in shelters:
        free = {r.id: max(r.beds - r.blocked_beds - taken.get(r.id, 0), 0) for r in shelter.rooms}
        left = None
        if shelter.fire_safety_max is not None:
            left = max(shelter.fire_safety_max - sum(taken.get(r.id, 0) for r in shelter.rooms), 0)
        out.append(ShelterPicture(shelter, free, left, {r.id: sleepers.get(r.id, []) for r in shelter.rooms}))
    return out


def movers_of(members, on: date) -> list[Mover]:
    """The rules' view of each member; a minor counts as with a woman when an adult woman moves along
    or belongs to the household."""
    women = any(m.sex == "w" and is_adult(m.birth_date, on) for m in members)
    return [Mover(person_id=m.id, sex=m.sex, adult=is_adult(m.birth_date, on), household_id=m.household_id,
                  accessible=Mover.of(m, on, household_sexes=[]).accessible, with_woman=women)
            for m in members]


def plan_in(picture: ShelterPicture, movers: list[Mover], *, only_room: Room | None = None,
            ignore_rules: bool = False, exclude_room_ids=()) -> dict[int, Room] | None:
    """person id -> room for every mover in this one shelter, or None when it cannot take them all."""
    n = len(movers)
    if picture.left is not None and picture.left < n:
        return None
    rooms = [r for r in picture.shelter.rooms if picture.free[r.id] > 0 and r.id not in exclude_room_ids]
    if only_room is not None:
        rooms = [r for r in rooms if r.id == only_room.id]

    def keeps(room: Room, mover: Mover) -> bool:
        return ignore_rules or not breaches(mover, room, picture.sleepers[room.id])

    whole = [r for r in rooms if picture.free[r.id] >= n and all(keeps(r, m) for m in movers)]
    if whole:
        best = min(whole, key=lambda r: (r.family == (n == 1), picture.free[r.id] - n,
                                         r.accessible and not any(m.accessible for m in movers), r.id))
        return {m.person_id: best for m in movers}
    if only_room is not None:
        return None
    used: dict[int, int] = {}
    plan: dict[int, Room] = {}
    for mover in sorted(movers, key=lambda m: (not m.accessible, m.person_id)):
        options = [r for r in rooms if picture.free[r.id] - used.get(r.id, 0) >= 1 and keeps(r, mover)]
        if not options:
            return None
        room = min(options, key=lambda r: (r.id not in used, not r.family,
                                           -(picture.free[r.id] - used.get(r.id, 0)), r.id))
        used[room.id] = used.get(room.id, 0) + 1
        plan[mover.person_id] = room
    return plan


def household_rooms(members, movers, event: str, on: date, shelter_id, room_id, *,
                    override: bool) -> dict[int, Room]:
    """person id -> room for every mover, all in one shelter, decided again under the shelter locks; or
    TransitionRefused (nobody moves). Members who stay where they are decide the shelter. The shelters to
    look in come from choice.target_shelters, the same as for one person."""
    room, shelter_ids = target_shelters(event, shelter_id, room_id)
    # Members who stay where they are (already placed, not moving) decide the shelter.
    staying = {active_stay(m.id).room.shelter_id for m in members if m not in movers and active_stay(m.id)}
    if staying:
        shelter_ids = [s for s in shelter_ids if s in staying]
    current = {m.id: active_stay(m.id) for m in movers}
    leaving = sorted({s.room.shelter_id for s in current.values() if s is not None})
    exclude = {s.room_id for s in current.values() if s is not None} if event == "relocate" else set()
    found = _find(load_shelters(shelter_ids), movers, on, room, override, exclude)
    if found is None:
        where = (f"in der Unterkunft {shelter_ids[0]}" if len(shelter_ids) == 1
                 else "in keiner geöffneten Unterkunft")
        raise TransitionRefused(f"Der Haushalt ({len(movers)} Personen) findet ab dem {german(on)} {where} "
                                "zusammen Platz; niemand wurde bewegt")
    # Decided again under the shelter locks (id order), as for one person (placement/choice.py).
    locked = [s for s in lock_shelters([found[0], *leaving]) if s.id == found[0]]
    again = _find(locked, movers, on, room, override, exclude)
    if again is None:
        raise TransitionRefused("Die Plätze wurden eben vergeben; niemand wurde bewegt, bitte erneut "
                                "versuchen")
    return again[1]


def _find(shelters, movers, on, room, override, exclude) -> tuple[int, dict[int, Room]] | None:
    """(shelter id, person id -> room) for the first shelter that takes every mover, or None."""
    open_ = [s for s in shelters if s.state == ShelterState.open]
    if room is not None and not open_:
        raise TransitionRefused("Die Unterkunft des Zimmers ist nicht geöffnet")
    rules = movers_of(movers, on)
    for picture in pictures(open_, on, [m.id for m in movers]):
        plan = plan_in(picture, rules, only_room=room, ignore_rules=override and room is not None,
                       exclude_room_ids=exclude)
        if plan is not None:
            return picture.shelter.id, plan
    return None
