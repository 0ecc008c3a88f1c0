"""Read side of shelters: capacity and occupancy per room and shelter, as of any date, from stays."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select

from caseapp.codelists import ShelterState
from caseapp.extensions import db
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.workflows.models import Transition


def today() -> date:
    return date.today()


def active_on(as_of: date):
    """Stays that hold a bed on the given day (end date exclusive)."""
    return and_(Stay.start_date <= as_of, or_(Stay.end_date.is_(None), Stay.end_date > as_of))


def occupied_by_room(room_ids, as_of: date | None = None) -> dict[int, int]:
    """room id -> number of persons in it on the day."""
    as_of = as_of or today()
    ids = list(room_ids)
    if not ids:
        return {}
    stmt = (select(Stay.room_id, func.count()).where(Stay.room_id.in_(ids), active_on(as_of))
            .group_by(Stay.room_id))
    counts = dict(db.session.execute(stmt).all())
    return {i: counts.get(i, 0) for i in ids}


def _figures(beds: int, blocked: int, occupied: int, limit: int | None = None) -> dict:
    usable = beds - blocked
    if limit is not None:
        # The fire-safety approval may allow fewer occupants than there are beds.
        usable = min(usable, limit)
    return {"beds": beds, "blocked": blocked, "capacity": usable, "occupied": occupied,
            "free": max(usable - occupied, 0)}


def room_capacity(room_or_id, as_of: date | None = None) -> dict:
    """beds, blocked, capacity (= beds - blocked), occupied and free of one room on a day (default today)."""
    room = room_or_id if isinstance(room_or_id, Room) else db.session.get(Room, room_or_id)
    if room is None:
        raise LookupError(f"Zimmer {room_or_id} gibt es nicht")
    occupied = occupied_by_room([room.id], as_of)[room.id]
    return _figures(room.beds, room.blocked_beds, occupied)


def shelters_capacity(shelters, as_of: date | None = None) -> dict[int, dict]:
    """shelter id -> capacity figures, for many shelters (rooms loaded) in one query: the board's rows."""
    as_of = as_of or today()
    ids = [s.id for s in shelters]
    occupied = dict(db.session.execute(
        select(Room.shelter_id, func.count()).select_from(Stay).join(Room, Room.id == Stay.room_id)
        .where(Room.shelter_id.in_(ids), active_on(as_of)).group_by(Room.shelter_id)
    ).all()) if ids else {}
    return {s.id: _figures(sum(r.beds for r in s.rooms), sum(r.blocked_beds for r in s.rooms),
                           occupied.get(s.id, 0), s.fire_safety_max) for s in shelters}


def rooms_capacity(shelter: Shelter, as_of: date | None = None) -> dict[int, dict]:
    """room id -> room_capacity figures, for every room of the shelter in one query."""
    occupied = occupied_by_room([r.id for r in shelter.rooms], as_of)
    return {r.id: _figures(r.beds, r.blocked_beds, occupied[r.id]) for r in shelter.rooms}


def capacity(shelter_or_id, as_of: date | None = None) -> dict:
    """beds, blocked, capacity, occupied and free of a shelter on a day (default today).

    free = beds - blocked - occupied, further capped by the shelter's fire-safety maximum. Blocked
    beds are known only as they are now, so a past date uses today's blocked count.
    """
    shelter = shelter_or_id if isinstance(shelter_or_id, Shelter) else db.session.get(Shelter, shelter_or_id)
    if shelter is None:
        raise LookupError(f"Unterkunft {shelter_or_id} gibt es nicht")
    as_of = as_of or today()
    beds = sum(r.beds for r in shelter.rooms)
    blocked = sum(r.blocked_beds for r in shelter.rooms)
    occupied = db.session.scalar(
        select(func.count()).select_from(Stay).join(Room, Room.id == Stay.room_id)
        .where(Room.shelter_id == shelter.id, active_on(as_of))
    )
    return _figures(beds, blocked, occupied or 0, shelter.fire_safety_max)


def states_on(day: date | None = None) -> dict[int, str]:
    """shelter id -> its state at the end of `day` (default today), for every shelter that existed then.

    Today is the shelter's own state. A past day takes the target state of the shelter's last transition
    on or before the day; a shelter whose history starts later did not exist yet (left out), and one
    without any history counts in its current state from the day its row was created (the same rule as
    for persons in caseapp/stats/queries.py).
    """
    day = day or today()
    shelters = db.session.execute(select(Shelter.id, Shelter.state, Shelter.created_at)).all()
    if day >= today():
        return {sid: state for sid, state, _created in shelters}
    t = Transition
    history = db.session.execute(
        select(t.entity_id, t.occurred_on, t.to_state).where(t.entity == "shelter")
        .order_by(t.entity_id, t.occurred_on, t.id)).all()
    last: dict[int, str] = {}
    known: set[int] = set()
    for sid, occurred_on, to_state in history:
        known.add(sid)
        if occurred_on <= day:
            last[sid] = to_state
    end_of_day = datetime.combine(day + timedelta(days=1), time())
    out = {}
    for sid, state, created in shelters:
        if sid in last:
            out[sid] = last[sid]
        elif sid not in known and (created is None or created < end_of_day):
            out[sid] = state
    return out


def for_state(figures: dict, state: str) -> dict:
    """Capacity figures as a shelter in `state` offers them: only an open shelter has free beds.

    The JSON API keeps the plain capacity() figures (its contract); every page shows these.
    """
    return figures if state == ShelterState.open else {**figures, "free": 0}


def active_stay(person_id: int) -> Stay | None:
    """The person's current stay (end date open), if any."""
    return db.session.scalar(select(Stay).where(Stay.person_id == person_id, Stay.end_date.is_(None)))


def occupancy_by_shelter(as_of: date | None = None) -> dict[int, int]:
    """shelter id -> persons in it on the day; for dashboards and reports."""
    as_of = as_of or today()
    stmt = (select(Room.shelter_id, func.count()).select_from(Stay).join(Room, Room.id == Stay.room_id)
            .where(active_on(as_of)).group_by(Room.shelter_id))
    return dict(db.session.execute(stmt).all())


def beds_taken_from(room_ids, on: date, *, exclude_person_id: int | None = None) -> dict[int, int]:
    """room id -> stays holding a bed on `on` or later (a cautious count for back-dated allocations:
    it can only over-count, so a bed it calls free is free on every day from `on` on)."""
    ids = list(room_ids)
    if not ids:
        return {}
    stmt = (select(Stay.room_id, func.count())
            .where(Stay.room_id.in_(ids), or_(Stay.end_date.is_(None), Stay.end_date > on)))
    if exclude_person_id is not None:
        stmt = stmt.where(Stay.person_id != exclude_person_id)
    counts = dict(db.session.execute(stmt.group_by(Stay.room_id)).all())
    return {i: counts.get(i, 0) for i in ids}


def free_beds_from(shelters, on: date, *, exclude_person_id: int | None = None) -> dict[int, int]:
    """room id -> beds free from `on` on, for every room of the given shelters, the shelter's
    fire-safety maximum applied (a full shelter leaves every room at 0)."""
    rooms = [r for s in shelters for r in s.rooms]
    taken = beds_taken_from([r.id for r in rooms], on, exclude_person_id=exclude_person_id)
    free: dict[int, int] = {}
    for shelter in shelters:
        room_free = {r.id: max(r.beds - r.blocked_beds - taken[r.id], 0) for r in shelter.rooms}
        if shelter.fire_safety_max is not None:
            left = shelter.fire_safety_max - sum(taken[r.id] for r in shelter.rooms)
            room_free = {i: min(f, max(left, 0)) for i, f in room_free.items()}
        free.update(room_free)
    return free
