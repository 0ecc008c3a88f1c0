"""Builders of abh delivery files for the sync tests: real bytes in any encoding, order and line ending."""
from __future__ import annotations

HEADER = ["abh_id", "azr_nr", "familienname", "vornamen", "geburtsdatum", "geschlecht",
          "staatsangehoerigkeit", "aufenthaltsstatus", "rechtsgrundlage", "einreisedatum", "zuzugsdatum",
          "wegzugsdatum", "strasse", "hausnummer", "plz", "ort", "stadtteil", "familien_id"]


def row(abh_id: str, **overrides) -> dict:
    """A valid record; every column can be overridden (None = empty)."""
    base = {
        "abh_id": abh_id, "azr_nr": None, "familienname": "Haddad", "vornamen": "Samir",
        "geburtsdatum": "17.05.1990", "geschlecht": "m", "staatsangehoerigkeit": "SYR",
        "aufenthaltsstatus": "GESTATTUNG", "rechtsgrundlage": None, "einreisedatum": "01.02.2022",
        "zuzugsdatum": "01.03.2022", "wegzugsdatum": None, "strasse": "Iburger Straße", "hausnummer": "14",
        "plz": "49082", "ort": "Osnabrück", "stadtteil": "07", "familien_id": None,
    }
    base.update(overrides)
    return base


def _cell(value) -> str:
    if value is None:
        return ""
    value = str(value)
    if any(ch in value for ch in ';"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_bytes(rows: list[dict], *, header=None, encoding="utf-8", bom=False, eol="\n",
              raw_lines: list[str] | None = None) -> bytes:
    header = header or HEADER
    lines = [";".join(header)]
    lines += [";".join(_cell(r.get(c.strip().lower(), r.get(c))) for c in header) for r in rows]
    lines += raw_lines or []
    data = (eol.join(lines) + eol).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def import_abh(data: bytes, name: str = "ABH_20260930.csv", **kw):
    """One abh delivery through the importer; every summary must add up (created + updated + unchanged +
    rejected = records, abh-delivery.md)."""
    from caseapp.sources.operations import import_file

    summary = import_file("abh", data, file_name=name, **kw)
    j = summary.as_json()
    assert j["created"] + j["updated"] + j["unchanged"] + j["rejected"] == j["records"], j
    return summary


def abh_person(db, key: str):
    """The person the abh record `key` belongs to, read afresh (None when there is none)."""
    from sqlalchemy import select

    from caseapp.people.models import Person
    from caseapp.sources.models import SourceRecord

    db.session.expire_all()
    return db.session.scalar(select(Person).join(SourceRecord, SourceRecord.person_id == Person.id)
                             .where(SourceRecord.source_code == "abh", SourceRecord.key == key))
