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

from sqlalchemy import and_, func, or_, select

from caseapp.codelists import ShelterState
from caseapp.extensions import db
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.shelters.placement.household import ShelterPicture, movers_of, plan_in
from caseapp.shelters.placement.rules import Mover, Sleeper, is_adult


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


def open_pictures(on: date, movers_ids: list[int]) -> list[ShelterPicture]:
    """What every open shelter offers from `on` on, in three joined queries (no id lists: at 60 shelters
    and 3,000 rooms, binding the ids cost more than the queries)."""
    from caseapp.people.models import Person

    conn = db.session.connection()  # plain rows: the ORM's row handling cost more than the queries here
    shelters: dict[int, ShelterInfo] = {}
    rows = conn.execute(
        select(Shelter.id, Shelter.name, Shelter.fire_safety_max, Room.id, Room.name, Room.beds,
               Room.blocked_beds, Room.accessible, Room.family, Room.women_only, Room.mixed)
        .join(Room, Room.shelter_id == Shelter.id).where(Shelter.state == ShelterState.open)
        .order_by(Shelter.id, Room.name))
    for sid, sname, cap, rid, rname, beds, blocked, acc, fam, women, mixed in rows:
        shelter = shelters.get(sid) or shelters.setdefault(sid, ShelterInfo(sid, sname, "open", cap))
        shelter.rooms.append(RoomInfo(rid, sid, rname, beds, blocked, acc, fam, women, mixed))
    active = and_(Stay.room_id == Room.id, or_(Stay.end_date.is_(None), Stay.end_date > on),
                  Stay.person_id.not_in(movers_ids or [-1]))
    counted = (select(Stay.room_id.label("room_id"), func.count().label("n")).join(Room, active)
               .join(Shelter, Shelter.id == Room.shelter_id).where(Shelter.state == ShelterState.open)
               .group_by(Stay.room_id).cte("taken"))
    taken = dict(conn.execute(select(counted.c.room_id, counted.c.n)).all())
    # Who sleeps where, only in rooms with a free bed (the rules ask nothing about full rooms).
    sleepers: dict[int, list[Sleeper]] = {}
    for room_id, pid, sex, born, household in conn.execute(
            select(Stay.room_id, Person.id, Person.sex, Person.birth_date, Person.household_id)
            .join(Room, active).join(Shelter, Shelter.id == Room.shelter_id).join(Person,
                                                                                  Person.id == Stay.person_id)
            .join(counted, counted.c.room_id == Room.id)
            .where(Shelter.state == ShelterState.open,
                   Room.beds - Room.blocked_beds - counted.c.n > 0)).all():
        sleepers.setdefault(room_id, []).append(Sleeper(pid, sex, is_adult(born, on), household))
    out = []
    for shelter in shelters.values():
        free = {r.id: max(r.beds - r.blocked_beds - taken.get(r.id, 0), 0) for r in shelter.rooms}
        left = None
        if shelter.fire_safety_max is not None:
            left = max(shelter.fire_safety_max - sum(taken.get(r.id, 0) for r in shelter.rooms), 0)
        out.append(ShelterPicture(shelter, free, left, {r.id: sleepers.get(r.id, []) for r in shelter.rooms}))
    return out


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
            select(Room.shelter_id).join(Stay, Stay.room_id == Room.id).join(Person,
                                                                             Person.id == Stay.person_id)
            .where(Person.household_id.in_(household_ids), Person.id.not_in(ids), Stay.end_date.is_(None))))
    return rank(movers, on, ids, home)


def rank(movers: list[Mover], on: date, ids=(), home=frozenset()) -> list[dict]:
    """Every open shelter that takes all movers, scored, best first (ids: their own stays do not count)."""
    out = []
    for picture in open_pictures(on, list(ids)):
        plan = plan_in(picture, movers)
        if plan is None:
            continue
        out.append(_scored(picture, plan, movers, picture.shelter.id in home))
    out.sort(key=lambda s: (-s["score"], s["shelter_id"]))
    return out


# The free-bed finder's kinds of household, as the rules see them (sex, adult) per member.
COMPOSITIONS = {
    "frau": lambda n: [("w", True)] + [("w", False)] * (n - 1),
    "frau_kinder": lambda n: [("w", True)] + [("m", False)] * (n - 1),
    "mann": lambda n: [("m", True)] + [("m", False)] * (n - 1),
    "familie": lambda n: [("w", True), ("m", True)][:n] + [("m", False)] * max(n - 2, 0),
}


def find_beds(composition: str, size: int, *, accessible: bool, on: date | None = None) -> list[dict]:
    """The free-bed finder: places for a household of `size` of the given kind (COMPOSITIONS), one member
    with a mobility need when `accessible`; no person is read, the rules see made-up members."""
    make = COMPOSITIONS.get(composition)
    if make is None or not 1 <= size <= 12:
        raise ValueError(composition)
    members = make(size)
    woman = any(s == "w" and a for s, a in members)
    movers = [Mover(person_id=None, sex=sex, adult=adult, household_id=-1, accessible=accessible and i == 0,
                    with_woman=woman) for i, (sex, adult) in enumerate(members)]
    return rank(movers, on or date.today())


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
    reasons.append(
        "alle in einem Zimmer"
        if len(rooms) == 1 and n > 1
        else (
            f"auf {len(rooms)} Zimmer verteilt"
            if len(rooms) > 1
            else f"Zimmer {next(iter(rooms.values())).name}"
        )
    )
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
