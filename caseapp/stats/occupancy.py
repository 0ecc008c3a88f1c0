"""Shelter occupancy: every shelter's beds / blocked / occupied / free on a day, daily occupancy over a
period from the stays, and arrivals and departures per week or month from the transition history.

Blocked beds and the fire-safety maximum are known only as they are now, so a past day uses today's
values for them; occupancy itself is exact for any day (a stay holds a bed from its start date up to,
not including, its end date), and so is a shelter's state (from its transition history,
shelters.queries.states_on). Free beds and utilisation exist only for open shelters; totals count the
open ones and show planned and closed ones apart, so capacity = occupied + free holds in the sum line.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from caseapp.codelists import PersonState, ShelterState
from caseapp.extensions import db
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.shelters.queries import states_on
from caseapp.workflows.models import Transition


def _active_on(day: date):
    return and_(Stay.start_date <= day, or_(Stay.end_date.is_(None), Stay.end_date > day))


def shelter_overview(as_of: date | None = None) -> list[dict]:
    """One row per shelter that existed on the day, in its state that day (planned, open or closed):
    beds, blocked, capacity, occupied, free, rate; free is 0 and rate None unless open."""
    day = as_of or date.today()
    states = states_on(day)
    beds = {
        sid: (b or 0, bl or 0)
        for sid, b, bl in db.session.execute(
            select(Room.shelter_id, func.sum(Room.beds),
                   func.sum(Room.blocked_beds)).group_by(Room.shelter_id)
        )
    }
    occupied = dict(db.session.execute(
        select(Room.shelter_id, func.count()).select_from(Stay).join(Room, Room.id == Stay.room_id)
        .where(_active_on(day)).group_by(Room.shelter_id)
    ).all())
    rows = []
    for s in db.session.scalars(select(Shelter).order_by(Shelter.district_number, Shelter.name)):
        state = states.get(s.id)
        if state is None:  # not registered yet on that day
            continue
        b, blocked = beds.get(s.id, (0, 0))
        capacity = b - blocked
        if s.fire_safety_max is not None:
            capacity = min(capacity, s.fire_safety_max)
        occ = occupied.get(s.id, 0)
        rows.append({
            "id": s.id, "name": s.name, "district": s.district_number, "state": state,
            "beds": b, "blocked": blocked, "capacity": capacity, "occupied": occ,
            "free": max(capacity - occ, 0) if state == ShelterState.open else 0,
            "rate": (occ / capacity) if capacity and state == ShelterState.open else None,
        })
    return rows


def overview_totals(rows: list[dict]) -> dict:
    """Sums over the OPEN shelters (rate against their capacity), and under "not_open" the beds,
    capacity and occupied of planned and closed ones, which have no free beds."""
    keys = ("beds", "blocked", "capacity", "occupied", "free")
    open_rows = [r for r in rows if r["state"] == ShelterState.open]
    out = {k: sum(r[k] for r in open_rows) for k in keys}
    out["rate"] = out["occupied"] / out["capacity"] if out["capacity"] else None
    others = [r for r in rows if r["state"] != ShelterState.open]
    out["not_open"] = {"count": len(others), **{k: sum(r[k] for r in others) for k in keys}}
    return out


def daily_occupancy(start: date, end: date, shelter_id: int | None = None) -> list[dict]:
    """[{"day", "occupied", "key"}] for every day from start to end inclusive (one shelter or all); "key" is
    the sum of the record keys of the persons staying that day (the cell key of the day's count)."""
    from caseapp.people.models import Person

    if end < start:
        raise ValueError("Das Ende des Zeitraums liegt vor seinem Anfang")

    def scoped(stmt):
        stmt = stmt.join(Person, Person.id == Stay.person_id)
        if shelter_id is None:
            return stmt
        return stmt.join(Room, Room.id == Stay.room_id).where(Room.shelter_id == shelter_id)

    counted = (func.count(), func.coalesce(func.sum(Person.record_key), 0))
    base = db.session.execute(scoped(select(*counted).select_from(Stay)).where(_active_on(start))).one()
    starts = {d: (n, k) for d, n, k in db.session.execute(scoped(
        select(Stay.start_date, *counted).select_from(Stay)
        .where(Stay.start_date > start, Stay.start_date <= end).group_by(Stay.start_date)
    ))}
    ends = {d: (n, k) for d, n, k in db.session.execute(scoped(
        select(Stay.end_date, *counted).select_from(Stay)
        .where(Stay.end_date > start, Stay.end_date <= end).group_by(Stay.end_date)
    ))}
    rows, (current, key), day = [], (int(base[0] or 0), int(base[1] or 0)), start
    while day <= end:
        if day != start:
            n_in, k_in = starts.get(day, (0, 0))
            n_out, k_out = ends.get(day, (0, 0))
            current += n_in - n_out
            key += int(k_in) - int(k_out)
        rows.append({"day": day, "occupied": current, "key": key})
        day += timedelta(days=1)
    return rows


MOVEMENT_LABELS_DE = {
    "arrivals": "Zuzüge",
    "departures": "Wegzüge",
    "shelter_in": "Aufnahmen in Unterkünfte",
    "shelter_out": "Auszüge aus Unterkünften",
}


def period_of(day: date, freq: str) -> tuple[str, date]:
    """('2026-W47', Monday) for weeks (ISO), ('2026-11', first of month) for months."""
    if freq == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}", day - timedelta(days=day.weekday())
    if freq == "month":
        return f"{day.year}-{day.month:02d}", day.replace(day=1)
    raise ValueError("freq muss 'week' oder 'month' sein")


def period_label(key: str) -> str:
    """How people read a period key: '2026-W47' -> 'KW 47/2026', '2026-11' -> '11/2026'."""
    year, _, rest = key.partition("-")
    if rest.startswith("W"):
        return f"KW {int(rest[1:])}/{year}"
    return f"{rest}/{year}" if rest else key


def movements(start: date, end: date, freq: str = "week") -> list[dict]:
    """Arrivals in and departures from the city, admissions to and exits from shelters, per period.

    From the transition history: arrivals = `arrive`, departures = `depart`, admissions = `allocate`,
    exits = leaving `accommodated` for a flat or away (a relocation between shelters is neither).
    """
    period_of(start, freq)  # validates freq
    stmt = (
        select(Transition.occurred_on, Transition.event, Transition.from_state, Transition.to_state,
               func.count())
        .where(Transition.entity == "person", Transition.occurred_on >= start, Transition.occurred_on <= end)
        .group_by(Transition.occurred_on, Transition.event, Transition.from_state, Transition.to_state)
    )
    buckets: dict[str, dict] = {}
    day = start
    while day <= end:  # every period appears, also the empty ones
        label, first = period_of(day, freq)
        buckets.setdefault(label, {"period": label, "start": first, **{k: 0 for k in MOVEMENT_LABELS_DE}})
        day += timedelta(days=1)
    for occurred_on, event, from_state, to_state, n in db.session.execute(stmt):
        row = buckets[period_of(occurred_on, freq)[0]]
        if event == "arrive":
            row["arrivals"] += n
        if event == "depart":
            row["departures"] += n
        if event == "allocate":
            row["shelter_in"] += n
        if from_state == PersonState.accommodated and to_state in (PersonState.housed, PersonState.departed):
            row["shelter_out"] += n
    return sorted(buckets.values(), key=lambda r: r["start"])
