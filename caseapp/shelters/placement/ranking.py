"""Ranked placements (Unterbringungsvorschläge): for a person or a household, every open shelter that can
take them all while keeping every protection rule, best first, each with its reasons in German.

Score (higher is better), from the plan household.py makes in each shelter:
  +40 the household already lives in this shelter (it stays together)
  +30 everybody in one room, -10 for every further room
  +15 a family room for a household of two or more; +10 a women-only room for a single woman
  -10 a barrier-free room taken by people who do not need one (kept for those who do)
   -2 for every bed the chosen rooms keep free beyond the movers (best fit: big rooms stay for families)
Reasons name only what the data holds (room kind, free beds, barrier-free, household); a distance to a
school or a doctor would need addresses the city does not keep here, so none is invented.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.shelters.placement.household import movers_of, pictures, plan_in


@dataclass
class RoomInfo:
    """The room fields the rules and the plan read, without loading ORM rows (60 shelters, 5,000 rooms)."""

    id: int
    shelter_id: int
    name: str
    beds: int
    blocked_beds: int
    accessible: bool
    family: bool
    women_only: bool
    mixed: bool


@dataclass
class ShelterInfo:
    id: int
    name: str
    state: str
    fire_safety_max: int | None
    rooms: list[RoomInfo] = field(default_factory=list)


def open_shelters() -> list[ShelterInfo]:
    shelters = {sid: ShelterInfo(sid, name, state, cap) for sid, name, state, cap in db.session.execute(
        select(Shelter.id, Shelter.name, Shelter.state, Shelter.fire_safety_max).where(Shelter.state == "open"))}
    rows = db.session.execute(
        select(Room.id, Room.shelter_id, Room.name, Room.beds, Room.blocked_beds, Room.accessible, Room.family,
               Room.women_only, Room.mixed).where(Room.shelter_id.in_(list(shelters) or [-1]))
        .order_by(Room.shelter_id, Room.name))
    for row in rows:
        shelters[row.shelter_id].rooms.append(RoomInfo(*row))
    return sorted(shelters.values(), key=lambda s: s.id)


def suggestions(members, on: date | None = None) -> list[dict]:
    """[{"shelter_id", "shelter_name", "room_ids", "score", "reasons"}] best first, one per shelter."""
    on = on or date.today()
    members = list(members)
    if not members:
        return []
    movers = movers_of(members, on)
    ids = [m.id for m in members]
    household_ids = {m.household_id for m in members if m.household_id is not None}
    home = set()
    if household_ids:
        from caseapp.people.models import Person

        home = set(db.session.scalars(
            select(Room.shelter_id).join(Stay, Stay.room_id == Room.id).join(Person, Person.id == Stay.person_id)
            .where(Person.household_id.in_(household_ids), Person.id.not_in(ids), Stay.end_date.is_(None))))
    out = []
    for picture in pictures(open_shelters(), on, ids):
        plan = plan_in(picture, movers)
        if plan is None:
            continue
        out.append(_scored(picture, plan, movers, picture.shelter.id in home))
    out.sort(key=lambda s: (-s["score"], s["shelter_id"]))
    return out


def _scored(picture, plan: dict, movers, at_home: bool) -> dict:
    rooms = {r.id: r for r in plan.values()}
    n = len(movers)
    free = sum(picture.free[r] for r in rooms)
    if picture.left is not None:
        free = min(free, picture.left)
    score = 100 + (40 if at_home else 0) + (30 if len(rooms) == 1 else 0) - 10 * (len(rooms) - 1)
    reasons = []
    if at_home:
        reasons.append("Haushalt wohnt bereits hier")
    family = any(r.family for r in rooms.values())
    if n > 1 and family:
        score += 15
        reasons.append("Familienzimmer")
    women = any(r.women_only for r in rooms.values())
    if women:
        if n == 1:
            score += 10
        reasons.append("Frauenzimmer")
    reasons.append("alle in einem Zimmer" if len(rooms) == 1 and n > 1 else
                   (f"auf {len(rooms)} Zimmer verteilt" if len(rooms) > 1 else f"Zimmer {next(iter(rooms.values())).name}"))
    reasons.append(f"{free} {'Bett' if free == 1 else 'Betten'} frei")
    if any(r.accessible for r in rooms.values()):
        reasons.append("barrierefrei")
        if not any(m.accessible for m in movers):
            score -= 10
    if any(r.mixed for r in rooms.values()):
        reasons.append("gemischtes Zimmer")
    score -= 2 * max(free - n, 0)
    return {"shelter_id": picture.shelter.id, "shelter_name": picture.shelter.name,
            "room_ids": sorted(rooms), "score": score, "reasons": reasons}
