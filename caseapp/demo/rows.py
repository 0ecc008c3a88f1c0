"""Turns the in-memory demo city into plain row tuples per table, in primary-key order."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from functools import cache

from caseapp.codelists import PersonState
from caseapp.demo.places import CITY
from caseapp.people.birthdate import BirthDate

DEMO_ACTOR = "demo"

TABLES = {
    "household": ("id", "label", "created_at"),
    "shelter": ("id", "name", "street", "house_number", "postcode", "district_number", "operator", "state",
                "fire_safety_max", "created_at"),
    "room": ("id", "shelter_id", "name", "beds", "blocked_beds", "accessible", "family", "women_only"),
    "person": ("id", "azr_number", "family_name", "given_names", "birth_date", "birth_precision", "sex",
               "nationality", "residence_status", "legal_basis", "entry_date", "move_in_date",
               "move_out_date", "street", "house_number", "postcode", "city", "district_number",
               "household_id", "state", "needs", "registered_by_office", "created_at", "updated_at",
               "record_key"),
    "person_nationality": ("person_id", "position", "code"),
    "person_office": ("person_id", "office_code", "via", "since"),
    "source_household": ("source_code", "key", "household_id"),
    "source_record": ("id", "source_code", "key", "person_id", "values_hash", "created_at"),
    "stay": ("id", "person_id", "room_id", "start_date", "end_date"),
    "transition": ("id", "entity", "entity_id", "event", "from_state", "to_state", "occurred_on",
                   "recorded_at", "by_label", "reason"),
}
# Written in this order (foreign keys point backwards).
ORDER = ("household", "shelter", "room", "person", "person_nationality", "person_office", "source_household",
         "source_record", "stay", "transition")


_OFFICE_MINUTES = [timedelta(hours=8, minutes=m) for m in range(540)]
_MIDNIGHT: dict[date, datetime] = {}


def _at(day: date, minutes: int = 0) -> datetime:
    """A plausible office-hours timestamp for something that happened on `day` (8:00 to 17:00)."""
    midnight = _MIDNIGHT.get(day)
    if midnight is None:
        midnight = _MIDNIGHT[day] = datetime.combine(day, time(0, 0))
    return midnight + _OFFICE_MINUTES[minutes % 540]


def city_rows(city, rng) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {name: [] for name in ORDER}
    hist = city.history
    first_seen: dict[int, date] = {}
    last_seen: dict[int, date] = {}
    for day, _, pid, *_ in hist.transitions:
        first_seen.setdefault(pid, day)
        last_seen[pid] = day

    hh_id = 0
    for hh in city.households:
        if hh.size > 1:
            hh_id += 1
            hh.db_id = hh_id
            head = hh.members[0]
            start = min(first_seen[p.id] for p in hh.members)
            rows["household"].append((hh_id, f"Familie {head.family}", _at(start, hh_id)))

    for s in city.shelters:
        rows["shelter"].append((s.id, s.name, s.street, s.house_number, s.postcode, s.district, s.operator,
                                s.state, s.fire_max, _at(s.created, s.id)))
        for r in s.rooms:
            rows["room"].append((r.id, s.id, r.name, r.beds, r.blocked, r.accessible, r.family, r.women_only))

    offices = _offices(city, rng, first_seen)
    keys = random.Random(rng.random())  # record keys (caseapp/stats/cellkey.py), after every other draw
    abh_families: set[int] = set()
    for p in city.persons:
        street, number, postcode, district = p.addr or (None, None, None, None)
        registered = "int" if any(o == "int" and via == "registration" for o, via in offices[p.id]) else None
        rows["person"].append((
            p.id, p.azr, p.family, p.given, p.birth, p.precision, p.sex, p.nats[0], p.status, p.basis,
            p.entry, p.move_in, p.move_out, street, number, postcode, CITY if street else None, district,
            p.hh.db_id, p.state, p.needs, registered, _at(first_seen[p.id], p.id), _at(last_seen[p.id], p.id),
            keys.randrange(256),
        ))
        for position, code in enumerate(p.nats):
            rows["person_nationality"].append((p.id, position, code))
        for code, via in offices[p.id]:
            rows["person_office"].append((p.id, code, via, _at(first_seen[p.id], p.id)))
        if ("abh", "source") in offices[p.id]:
            key = abh_key(p)
            rows["source_record"].append((len(rows["source_record"]) + 1, "abh", key, p.id,
                                          abh_values_hash(p, key), _at(first_seen[p.id], p.id)))
            if p.hh.db_id and p.hh.db_id not in abh_families:
                abh_families.add(p.hh.db_id)
                rows["source_household"].append(("abh", family_key(p.hh), p.hh.db_id))

    for i, (pid, room_id, start, end) in enumerate(sorted(hist.stays, key=lambda s: (s[2], s[0])), start=1):
        rows["stay"].append((i, pid, room_id, start, end))

    transitions = rows["transition"]
    for s in city.shelters:
        transitions.append((s.created, 0, "shelter", s.id, "register", None, "planned", "Planung"))
        if s.opened:
            transitions.append((s.opened, 0, "shelter", s.id, "open", "planned", "open", None))
        if s.closed:
            transitions.append(
                (s.closed, 0, "shelter", s.id, "close", "open", "closed", "Mietvertrag beendet")
            )
    for day, seq, pid, event, before, after, reason in hist.transitions:
        transitions.append((day, seq, "person", pid, event, before, after, reason))
    transitions.sort(key=lambda t: (t[0], t[1], t[2], t[3]))
    rows["transition"] = [
        (i, entity, eid, event, before, after, day, _at(day, i), DEMO_ACTOR, reason)
        for i, (day, _, entity, eid, event, before, after, reason) in enumerate(transitions, start=1)
    ]
    return rows


def abh_key(p) -> str:
    return f"D-{p.id:07d}"


def family_key(hh) -> str:
    return f"DF-{hh.db_id:06d}"


def abh_values(p, key: str) -> dict[str, str]:
    """The person as the foreigners authority's export would deliver it (spec/abh-delivery.md)."""
    def german(d):
        return f"{d.day:02d}.{d.month:02d}.{d.year:04d}" if d else ""

    street, number, postcode, district = p.addr or ("", "", "", "")
    return {
        "abh_id": key, "azr_nr": p.azr or "", "familienname": p.family, "vornamen": p.given,
        "geburtsdatum": BirthDate(p.birth, p.precision).german, "geschlecht": p.sex,
        "staatsangehoerigkeit": ",".join(p.nats), "aufenthaltsstatus": p.status,
        "rechtsgrundlage": p.basis or "", "einreisedatum": german(p.entry), "zuzugsdatum": german(p.move_in),
        "wegzugsdatum": german(p.move_out), "strasse": street or "", "hausnummer": number or "",
        "plz": postcode or "", "ort": CITY if street else "", "stadtteil": district or "",
        "familien_id": family_key(p.hh) if p.hh.db_id else "",
    }


def abh_values_hash(p, key: str) -> str:
    """The hash the abh importer keeps per record, so a delivery of the same data counts as unchanged."""
    return _abh_adapter().values_hash(abh_values(p, key))


@cache
def _abh_adapter():
    from caseapp.sources.abh import AbhAdapter

    return AbhAdapter()


def _offices(city, rng, first_seen) -> dict[int, list[tuple[str, str]]]:
    """Every person is known to at least one office: abh delivers almost everyone, the others part.

    Only abh has a source (an adapter and deliveries); soz, jug and sch know their persons because one
    of their caseworkers registered them, so the Art. 15 report does not name deliveries that never
    existed."""
    out: dict[int, list[tuple[str, str]]] = {}
    today = city.today
    for p in city.persons:
        known: list[tuple[str, str]] = []
        if p.state != PersonState.announced and rng.random() < 0.97:
            known.append(("abh", "source"))
        age = (today - p.birth).days / 365.25
        if p.hh.segment == "flow" or rng.random() < 0.22:
            known.append(("soz", "registration"))
        if age < 18 and (p.hh.segment == "flow" or rng.random() < 0.1):
            known.append(("jug", "registration"))
        if 6 <= age < 18 and rng.random() < 0.9:
            known.append(("sch", "registration"))
        if (
            not known
            or (p.state == PersonState.announced and not any(o == "int" for o, _ in known))
            or rng.random() < 0.03
        ):
            known.append(("int", "registration"))
        out[p.id] = known
    return out
