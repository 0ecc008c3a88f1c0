"""The shelter's printed lists: residents (room, bed, name, birth date, household, move-in) and the
evacuation roll-call for the fire brigade (per floor and room, head count, mobility needs marked).

Both are PDFs from the report machinery (reports/render.py: WeasyPrint with the safe URL fetcher and the
shipped fonts), marked "vertraulich" with the time of printing in Osnabrück time. Printing is audited by
the caller (admin/prints.py); these functions only read.
"""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.localtime import local_datetime
from caseapp.people.models import Person
from caseapp.shelters.models import Room, Shelter, Stay

# Needs (people/models.py: comma separated) that slow an evacuation: marked on the roll-call.
MOBILITY_NEEDS = ("rollstuhl", "gehhilfe", "rollator", "gehbehindert", "bettlägerig", "blind", "sehbehindert",
                  "gehörlos", "mobilität")


def floor_of(room_name: str) -> str:
    """'1.02' -> '1. OG', '0.03' or 'EG.03' -> 'Erdgeschoss', '-1.01' -> '1. UG'; else 'ohne Etage'."""
    name = room_name.strip()
    if re.match(r"(?i)^eg\b", name):
        return "Erdgeschoss"
    m = re.match(r"^(-?\d+)[.\-/ ]", name)
    if not m:
        return "ohne Etage"
    level = int(m[1])
    return "Erdgeschoss" if level == 0 else (f"{level}. OG" if level > 0 else f"{-level}. UG")


def _floor_key(floor: str) -> tuple:
    if floor == "Erdgeschoss":
        return (0, 0)
    m = re.match(r"(\d+)\. (OG|UG)", floor)
    if m:
        return (0, int(m[1]) if m[2] == "OG" else -int(m[1]))
    return (1, 0)


def mobility(needs: str | None) -> list[str]:
    items = [n.strip() for n in (needs or "").split(",") if n.strip()]
    return [n for n in items if any(key in n.lower() for key in MOBILITY_NEEDS)]


def residents(shelter: Shelter) -> list[dict]:
    """Everyone with an open stay in the shelter, by room and move-in; bed = position in the room."""
    rows = db.session.execute(
        select(Stay, Room, Person).join(Room, Room.id == Stay.room_id)
        .join(Person, Person.id == Stay.person_id)
        .where(Room.shelter_id == shelter.id, Stay.end_date.is_(None))
        .order_by(Room.name, Stay.start_date, Person.family_name, Person.given_names, Person.id)).all()
    beds: dict[int, int] = defaultdict(int)
    out = []
    for stay, room, person in rows:
        beds[room.id] += 1
        out.append({"room": room.name, "room_id": room.id, "bed": beds[room.id], "name": person.display_name,
                    "birth": person.birth.german,
                    "household": str(person.household) if person.household_id else "",
                    "move_in": stay.start_date.strftime("%d.%m.%Y"), "mobility": mobility(person.needs),
                    "floor": floor_of(room.name)})
    return out


def context(shelter: Shelter, kind: str, *, printed_by: str, now: datetime) -> dict:
    people = residents(shelter)
    floors: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for r in people:
        floors[r["floor"]][r["room"]].append(r)
    rooms_by_floor = defaultdict(list)
    for room in sorted(shelter.rooms, key=lambda r: r.name):
        rooms_by_floor[floor_of(room.name)].append(room.name)
    floor_list = [{"floor": f, "count": sum(len(v) for v in floors[f].values()),
                   "rooms": [{"room": name, "persons": floors[f].get(name, [])}
                             for name in rooms_by_floor[f]]}
                  for f in sorted(rooms_by_floor, key=_floor_key)]
    return {"shelter": shelter, "kind": kind, "residents": people, "floors": floor_list,
            "total": len(people),
            "mobility_count": sum(1 for r in people if r["mobility"]), "printed_at": local_datetime(now),
            "printed_by": printed_by}


def pdf(shelter: Shelter, kind: str, *, printed_by: str, now: datetime) -> bytes:
    from caseapp.reports.render import render_pdf  # WeasyPrint only when a PDF is made

    template = {"residents": "reports/print_residents.html", "rollcall": "reports/print_rollcall.html"}[kind]
    return render_pdf(template, context(shelter, kind, printed_by=printed_by, now=now))
