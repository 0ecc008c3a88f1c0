"""Read side of the per-shelter board: who sleeps where, and every bed told apart as occupied, blocked,
capped by the fire-safety maximum, or free — counted so that the cells and the figures agree."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from caseapp.codelists import PersonState, ShelterState
from caseapp.extensions import db
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.shelters.operations import room_features

# Age bands the board shows per bed (who may share a room depends on adults and children).
AGE_BANDS = ((0, 5, "0–5"), (6, 17, "6–17"), (18, 64, "18–64"), (65, 200, "65+"))


def age_band(birth_date: date, on: date) -> str:
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    return next((label for low, high, label in AGE_BANDS if low <= age <= high), "65+")


@dataclass
class RoomRow:
    room: Room
    features: list[str]
    cells: list[dict] = field(default_factory=list)
    # Beds the allocation check offers in this room (each room capped by the shelter's fire-safety rest).
    allocatable: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for c in self.cells if c["kind"] == kind)


def board_rows(shelter: Shelter, *, visible_ids: set[int] | None, on: date | None = None):
    """(rows, totals) for the shelter on the day (default today).

    Occupied cells carry sex, age band, a household marker (H1, H2, ... per page, not the id) and, for
    persons in `visible_ids`, the person (for the name and the relocation form). Free beds beyond what
    the fire-safety maximum still allows in the whole shelter are 'capped', so the number of 'free'
    cells equals the shelter's free figure."""
    from caseapp.people.models import Person

    on = on or date.today()
    stays = db.session.execute(
        select(Stay.room_id, Person).join(Person, Person.id == Stay.person_id)
        .join(Room, Room.id == Stay.room_id)
        .where(Room.shelter_id == shelter.id, Stay.start_date <= on,
               (Stay.end_date.is_(None)) | (Stay.end_date > on))
        .order_by(Stay.start_date, Stay.id)).all()
    markers: dict[int, str] = {}
    by_room: dict[int, list[dict]] = {}
    for room_id, person in stays:
        marker = None
        if person.household_id is not None:
            marker = markers.setdefault(person.household_id, f"H{len(markers) + 1}")
        seen = visible_ids is not None and person.id in visible_ids
        by_room.setdefault(room_id, []).append({
            "kind": "occupied", "sex": person.sex, "age": age_band(person.birth_date, on),
            "household": marker, "person_id": person.id if seen else None,
            "name": person.display_name if seen else None,
            "relocatable": seen and person.state == PersonState.accommodated,
        })
    occupied_total = sum(len(v) for v in by_room.values())
    left = None
    if shelter.fire_safety_max is not None:
        left = max(shelter.fire_safety_max - occupied_total, 0)
    is_open = shelter.state == ShelterState.open
    left_total = left
    rows = []
    for room in shelter.rooms:
        occupants = by_room.get(room.id, [])
        row = RoomRow(room, room_features(room), list(occupants))
        row.cells += [{"kind": "blocked"} for _ in range(room.blocked_beds)]
        unused = max(room.beds - room.blocked_beds - len(occupants), 0)
        free_here = unused if left is None else min(unused, left)
        row.allocatable = (unused if left_total is None else min(unused, left_total)) if is_open else 0
        if left is not None:
            left -= free_here
        row.cells += [{"kind": "free"} for _ in range(free_here)]
        row.cells += [{"kind": "capped"} for _ in range(unused - free_here)]
        rows.append(row)
    totals = {kind: sum(r.count(kind) for r in rows) for kind in ("occupied", "blocked", "capped", "free")}
    totals["beds"] = sum(r.room.beds for r in rows)
    return rows, totals
