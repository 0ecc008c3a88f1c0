"""The same importer on SQLite (the demo's database): create, change, missing, link, re-process."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.sources.models import FieldProvenance, RejectedRecord, SourceRecord
from caseapp.sources.operations import import_file
from caseapp.sources.review import reprocess_rejected
from tests.test_sources_support import csv_bytes, row


@pytest.fixture()
def sqlite_db(sqlite_app):
    from caseapp.extensions import db

    return db


def _record(db, key):
    return db.session.scalar(select(SourceRecord).where(SourceRecord.key == key))


def test_full_cycle_on_sqlite(sqlite_db):
    db = sqlite_db
    first = import_file("abh", csv_bytes([row("S-1", familien_id="F1"), row("S-2", familien_id="F1"),
                                          row("S-3", geburtsdatum="00.13.1990")]),
                        file_name="ABH_20260930.csv")
    db.session.commit()
    assert (first.created, first.rejected) == (2, 1)
    assert _record(db, "S-1").person.household_id == _record(db, "S-2").person.household_id is not None
    second = import_file("abh",
                         csv_bytes([row("S-1", aufenthaltsstatus="AE", staatsangehoerigkeit="SYR,TUR")]),
                         file_name="ABH_20261031.csv")
    db.session.commit()
    assert (second.updated, second.missing) == (1, 1)
    s1 = _record(db, "S-1").person
    assert (s1.residence_status, s1.nationality_codes) == ("AE", ["SYR", "TUR"])
    assert db.session.get(FieldProvenance, (s1.id, "residence_status")) is not None
    assert _record(db, "S-2").person.flagged_missing_since is not None
    rejected = db.session.scalar(select(RejectedRecord))
    assert reprocess_rejected(rejected, dict(rejected.values, geburtsdatum="00.12.1990"), by=None) == []
    db.session.commit()
    assert _record(db, "S-3").person.birth.iso == "1990-12-00"


def test_azr_link_and_conflict_on_sqlite(sqlite_db):
    from caseapp.people.birthdate import BirthDate
    from caseapp.people.models import Person

    db = sqlite_db
    for azr, birth in (("666666666666", "1990-05-00"), ("777777777777", "1980-01-01")):
        p = Person(family_name="Hand", given_names="Erfasst", sex="m", residence_status="AE", state="arrived",
                   nationality="SYR", azr_number=azr, registered_by_office="int")
        p.birth = BirthDate.parse_iso(birth)
        db.session.add(p)
    db.session.commit()
    s = import_file("abh", csv_bytes([row("Z-1", azr_nr="666666666666"), row("Z-2", azr_nr="777777777777")]),
                    file_name="ABH_20260930.csv")
    db.session.commit()
    assert (s.updated, s.rejected) == (1, 1)
    assert s.errors[0]["line"] == 3 and "das Geburtsdatum passt nicht" in s.errors[0]["message"]
    assert _record(db, "Z-1").person.azr_number == "666666666666" and _record(db, "Z-2") is None


def test_move_out_date_comes_due_on_sqlite(sqlite_db):
    db = sqlite_db
    data = csv_bytes([row("Y-1", wegzugsdatum="15.10.2026")])
    import_file("abh", data, file_name="ABH_20260930.csv")
    db.session.commit()
    assert _record(db, "Y-1").person.state == "housed"
    s = import_file("abh", data, file_name="ABH_20261031.csv")
    db.session.commit()
    db.session.expire_all()
    assert s.unchanged == 1 and _record(db, "Y-1").person.state == "departed"
