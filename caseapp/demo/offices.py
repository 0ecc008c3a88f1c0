"""The other offices' deliveries of the demo city (issue 14 item 7): soz and jug as CSV, sch as XLSX
(spec/office-deliveries.md), of the same synthetic people the city holds, each office spelling them its
own way, imported through the real adapters so record linkage decides who is who.

Who is in a delivery: a share of the persons the office already knows (rows.py `_offices`), plus a few
persons the city has never seen. The variation is the contract's (linkage.md): transliteration (anyascii),
typos, a dropped or reordered given name, birth dates known only by year or month or with day and month
swapped, a missing nationality, another address. Most records link automatically, some go to the review
queue for the data steward, some become new persons: the pooled picture right after `bash scripts/demo`.
"""
from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from caseapp.codelists import PersonState
from caseapp.linkage.synth import varied_names
from caseapp.people.birthdate import BirthDate

# Share of the persons an office knows that its demo delivery carries.
SHARE = {"soz": 0.45, "jug": 0.6, "sch": 0.5}
NEW_PERSONS = {"soz": 0.03, "jug": 0.05, "sch": 0.03}  # of the delivery: humans the city has not seen
# A demo delivery is a sample, not the office's whole caseload: linkage of a state-sized demo (1,000,000
# persons) stays a matter of seconds. The benchmarks measure full-size deliveries (bench/bench_linkage.py).
MAX_RECORDS = 4000
BENEFITS = ("ASYLBLG3", "ASYLBLG2", "SGB12")
SCHOOL_TYPES = (("GS", 6, 10), ("OBS", 10, 16), ("GYM", 10, 19), ("IGS", 10, 19), ("BBS", 16, 21))


def _german(d: date | None) -> str:
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}" if d else ""


def _varied_birth(rng: random.Random, born: date, precision: str) -> str:
    if precision != "day":
        return BirthDate(born, precision).german
    r = rng.random()
    if r < 0.05:
        return f"00.00.{born.year:04d}"
    if r < 0.08:
        return f"00.{born.month:02d}.{born.year:04d}"
    if r < 0.11 and born.day <= 12 and born.day != born.month:
        return f"{born.month:02d}.{born.day:02d}.{born.year:04d}"
    if r < 0.14:
        return _german(born + timedelta(days=rng.choice([-2, -1, 1, 2])))
    return _german(born)


def _core(rng: random.Random, p, key: str, code: str, stranger: bool = False) -> dict[str, str]:
    """One record's person columns. A stranger (a person of another seed's city) never carries an AZR
    number: that city numbers its people like this one, so its numbers would name someone known here."""
    family, given = varied_names(rng, p.family, p.given.split(), swapped=0)
    nats = list(p.nats) if code != "sch" else []
    street, number, postcode, district = p.addr or ("", "", "", "")
    if rng.random() < 0.25:
        street = number = postcode = district = ""
    azr = (p.azr or "") if code in ("soz", "jug") and rng.random() < 0.25 and not stranger else ""
    return {f"{code}_id": key, "azr_nr": azr, "familienname": family, "vornamen": given,
            "geburtsdatum": _varied_birth(rng, p.birth, p.precision),
            "geschlecht": p.sex, "staatsangehoerigkeit": ",".join(nats) if code != "sch" else "",
            "strasse": street or "", "hausnummer": number or "", "plz": postcode or "",
            "ort": "Osnabrück" if street else "", "stadtteil": district or ""}


def _age(p, today: date) -> float:
    return (today - p.birth).days / 365.25


def _facts(rng: random.Random, p, code: str, today: date) -> dict[str, str] | None:
    """The office's own columns, or None when this person has nothing for that office."""
    age = _age(p, today)
    if code == "soz":
        since = p.move_in or today - timedelta(days=rng.randint(30, 900))
        return {"bedarfsgemeinschaft": f"BG-{p.hh.db_id or p.id}", "leistungsart": rng.choices(
            BENEFITS, (0.55, 0.35, 0.10))[0], "leistung_seit": _german(since), "leistung_bis": "",
            "unterbringung": "GU" if p.state == PersonState.accommodated else "WOHNUNG"}
    if code == "jug":
        if age >= 21:
            return None
        kita = age < 6.5 and age >= 1
        return {"massnahme": rng.choices(("INOBHUT", "UMA_HILFE", "HZE", "KEINE"), (0.05, 0.1, 0.15, 0.7))[0],
                "massnahme_seit": "", "massnahme_bis": "", "vormundschaft": "",
                "kita": rng.choice(("BETREUT", "BETREUT", "WARTEND")) if kita else "",
                "kita_seit": _german(today - timedelta(days=rng.randint(20, 400))) if kita else "",
                "kita_stadtteil": (p.addr[3] if p.addr and p.addr[3] else "") if kita else ""}
    if code == "sch":
        if not 6 <= age < 21:
            return None
        kinds = [k for k, low, high in SCHOOL_TYPES if low <= age < high] or ["BBS"]
        kind = rng.choice(kinds)
        grade = max(1, min(13, int(age) - 5))
        return {"schulnummer": f"{rng.randint(10000, 99999)}", "schulform": kind, "jahrgang": str(grade),
                "sprachfoerderung": rng.choices(("SLK", "DAZ", "KEINE"), (0.25, 0.35, 0.4))[0],
                "schulstadtteil": (p.addr[3] if p.addr and p.addr[3] else "")}
    raise ValueError(code)


def delivery_records(city, rows: dict[str, list[tuple]], code: str, seed: int) -> list[dict[str, str]]:
    """The records of one office's demo delivery, in a stable order."""
    from caseapp.demo.generator import build_city

    rng = random.Random(f"{seed}:delivery:{code}")
    known = {r[0] for r in rows["person_office"] if r[1] == code}
    people = [p for p in city.persons if p.id in known and p.state != PersonState.departed]
    chosen = [p for p in people if rng.random() < SHARE[code]][:MAX_RECORDS]
    out = []
    for n, p in enumerate(chosen, start=1):
        facts = _facts(rng, p, code, city.today)
        if facts is not None:
            out.append({**_core(rng, p, f"{code.upper()}-{n:06d}", code), **facts})
            if len(out) % 97 == 13:  # about 1 %: a record the adapter rejects, so the quarantine shows one
                out[-1].update({"jahrgang": "14"} if code == "sch" else {"staatsangehoerigkeit": ""})
    # Humans the city has not seen yet: people of another seed's city, of the right age for the office.
    strangers = build_city(max(200, len(out)), seed + 7919, city.today).persons
    extra = int(len(out) * NEW_PERSONS[code])
    for n, p in enumerate(strangers, start=len(chosen) + 1):
        if extra <= 0:
            break
        facts = _facts(rng, p, code, city.today)
        if facts is not None:
            out.append({**_core(rng, p, f"{code.upper()}-{n:06d}", code, stranger=True), **facts})
            extra -= 1
    return out


def delivery_file(code: str, records: list[dict[str, str]], today: date) -> tuple[str, bytes]:
    """(file name, bytes) as the office's software would export it."""
    from caseapp.sources.registry import get_adapter

    columns = [c.name for c in get_adapter(code).columns_spec]
    if code == "sch":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.append(columns)
        for r in records:
            ws.append([r.get(c, "") or None for c in columns])
        buf = io.BytesIO()
        wb.save(buf)
        return f"SCH_{today:%Y%m%d}.xlsx", buf.getvalue()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for r in records:
        writer.writerow([r.get(c, "") for c in columns])
    return f"{code.upper()}_{today:%Y%m%d}.csv", ("\ufeff" + out.getvalue()).encode("utf-8")


def import_office_deliveries(city, rows: dict[str, list[tuple]], seed: int) -> dict[str, dict]:
    """Write and import soz, jug and sch deliveries (the caller commits); the import summaries per office."""
    from caseapp.sources.operations import import_file

    summaries = {}
    for code in ("soz", "jug", "sch"):
        records = delivery_records(city, rows, code, seed)
        if not records:
            continue
        name, data = delivery_file(code, records, city.today)
        summary = import_file(code, data, file_name=name, as_of=city.today, channel="cli")
        summaries[code] = summary
    return summaries
