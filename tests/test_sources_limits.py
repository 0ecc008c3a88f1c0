"""Every length and format limit of spec/abh-delivery.md and of the database is a rejected record, never a
crash."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.people.models import Person
from caseapp.sources import abh
from caseapp.sources.models import SourceHousehold, SourceRecord, SyncRun
from tests.test_sources_support import csv_bytes, import_abh, row


def _keys(db) -> set[str]:
    return set(db.session.scalars(select(SourceRecord.key).where(SourceRecord.source_code == "abh")))


def test_too_long_familien_id_rejects_only_its_record(db):
    s = import_abh(csv_bytes([row("L-1", familien_id="F1"), row("L-2", familien_id="F" * 33),
                           row("L-3", familien_id="F" * 32)]))
    assert (s.records, s.created, s.rejected) == (3, 2, 1)
    assert [(e["line"], e["column"]) for e in s.errors] == [(3, "familien_id")]
    assert "33 Zeichen" in s.errors[0]["message"] and "höchstens 32" in s.errors[0]["message"]
    assert _keys(db) == {"L-1", "L-3"}
    assert db.session.scalar(select(SourceHousehold.key).where(SourceHousehold.key == "F" * 32)) is not None
    assert db.session.get(SyncRun, s.run_id).status == "done"


# Per column a value the contract forbids and the database would refuse or misread.
BAD_VALUES = [
    ("abh_id", "A" * 33),
    ("azr_nr", "1" * 13),
    ("familienname", "x" * 201),
    ("vornamen", "x" * 201),
    ("geburtsdatum", "\u0661\u0667.\u0660\u0665.\u0661\u0669\u0669\u0660"),  # Arabic-Indic digits
    ("geschlecht", "mw"),
    ("staatsangehoerigkeit", "SYRI"),
    ("aufenthaltsstatus", "GESTATTUNGEN"),
    ("rechtsgrundlage", "§" * 101),
    ("einreisedatum", "\u0660\u0661.\u0660\u0662.\u0662\u0660\u0662\u0662"),
    ("zuzugsdatum", "01.03.20222"),
    ("wegzugsdatum", "1.3.2026"),
    ("strasse", "s" * 201),
    ("hausnummer", "1" * 21),
    ("plz", "490821"),
    ("plz", "\u0664\u0669\u0660\u0668\u0662"),
    ("ort", "o" * 101),
    ("stadtteil", "7"),
    ("stadtteil", "007"),
    ("familien_id", "F" * 33),
    ("familien_id", "F\x07"),
]


@pytest.mark.parametrize("column,value", BAD_VALUES)
def test_every_limit_is_a_rejection_with_line_and_column(db, column, value):
    s = import_abh(csv_bytes([row("V-1"), row("V-2") | {column: value}, row("V-3")]))
    assert (s.records, s.created, s.rejected) == (3, 2, 1)
    assert {(e["line"], e["column"]) for e in s.errors} == {(3, column)}
    assert all(e["message"] for e in s.errors)
    assert _keys(db) == {"V-1", "V-3"}


@pytest.mark.parametrize("column,value", [("familienname", "x" * 200), ("rechtsgrundlage", "§" * 100),
                                          ("hausnummer", "1" * 20), ("ort", "o" * 100), ("stadtteil", "23"),
                                          ("familien_id", "Familie Haddad / Sedanstraße 1")])
def test_values_at_the_limit_are_taken(db, column, value):
    s = import_abh(csv_bytes([row("T-1", **{column: value})]))
    assert (s.created, s.rejected) == (1, 0)


def test_adapter_limits_fit_the_database_columns():
    """The adapter knows nothing of the database; this keeps its limits within the columns' lengths."""
    person = Person.__table__.c
    for column, name in abh.TEXT_FIELDS.items():
        assert abh.TEXT_LIMITS[column] <= person[name].type.length, column
    assert abh.TEXT_LIMITS["familien_id"] <= SourceHousehold.__table__.c.key.type.length
    assert SourceRecord.__table__.c.key.type.length >= 32  # abh_id: 1-32 characters
    assert person.postcode.type.length == 5 and person.azr_number.type.length == 12
