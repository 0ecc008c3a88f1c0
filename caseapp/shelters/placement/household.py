"""Placing a household together: rooms in one shelter for every member, keeping every protection rule.

One room for all when one has the beds and keeps the rules (a family room first), else several rooms of
the same shelter, filled greedily (members with a mobility need first, rooms the household already uses
first). A household is never spread over two shelters: a shelter that cannot take all is no answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from caseapp.extensions import db
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.shelters.placement.rules import Mover, Sleeper, breaches, is_adult, sleepers_by_room


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
