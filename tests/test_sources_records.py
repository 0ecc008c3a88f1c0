"""Records as CSV reads them: line breaks inside quoted values, line numbers, broken quotes."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.sources.models import RejectedRecord
from caseapp.sources.review import reprocess_rejected
from tests.test_sources_support import HEADER, abh_person, csv_bytes, import_abh, row

BROKEN = 'B-1;;"Kaputt;Anna;01.01.1990;w;SYR;AE;;;;;;;;;;'




@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_line_break_inside_a_quoted_value_belongs_to_the_value(db, eol):
    rows = [row("M-1", strasse=f"Iburger Straße 14{eol}Hinterhaus", familienname='Al "Abu"'), row("M-2"),
            row("M-3", geschlecht="q")]
    s = import_abh(csv_bytes(rows, eol=eol))
    assert (s.records, s.created, s.rejected) == (3, 2, 1)
    assert [(e["line"], e["column"]) for e in s.errors] == [(5, "geschlecht")]  # M-1 takes lines 2 and 3
    m1 = abh_person(db, "M-1")
    assert (m1.street, m1.family_name) == ("Iburger Straße 14\nHinterhaus", 'Al "Abu"')
    assert abh_person(db, "M-2").street == "Iburger Straße"


def test_multi_line_record_reimported_is_unchanged_and_an_error_names_its_first_line(db):
    rows = [
        row("M-4", strasse="Am Markt 1\n\nRückgebäude"),
        row("M-5", strasse="Hof\n2", geburtsdatum="31.02.1990"),
    ]
    data = csv_bytes(rows, eol="\r\n")
    s = import_abh(data)
    assert (s.records, s.created, s.rejected) == (2, 1, 1)
    assert [(e["line"], e["column"]) for e in s.errors] == [(5, "geburtsdatum")]
    assert abh_person(db, "M-4").street == "Am Markt 1\n\nRückgebäude"
    rejected = db.session.scalar(select(RejectedRecord))
    assert rejected.raw.startswith("M-5;;Haddad;Samir;31.02.1990;") and '"Hof\n2"' in rejected.raw
    assert rejected.values["strasse"] == "Hof\n2"
    again = import_abh(csv_bytes(rows, eol="\n"), name="ABH_20261001.csv")
    assert (again.unchanged, again.created, again.updated, again.rejected) == (1, 0, 0, 1)
    assert reprocess_rejected(rejected, dict(rejected.values, geburtsdatum="28.02.1990"), by=None) == []
    assert abh_person(db, "M-5").street == "Hof\n2"


def test_broken_quote_is_one_error_for_its_record_and_spares_the_next_ones(db):
    data = (
        csv_bytes([row("B-0")], raw_lines=[BROKEN])
        + csv_bytes([row("B-2"), row("B-3")])[len(";".join(HEADER)) + 1 :]
    )
    s = import_abh(data)
    assert (s.records, s.created, s.rejected) == (4, 3, 1)
    assert len(s.errors) == 1
    error = s.errors[0]
    assert (error["line"], error["column"]) == (3, "familienname")
    assert "Anführungszeichen" in error["message"] and "Pflichtfeld" not in error["message"]
    assert {k for k in ("B-0", "B-2", "B-3") if abh_person(db, k)} == {"B-0", "B-2", "B-3"}
    rejected = db.session.scalar(select(RejectedRecord))
    assert (rejected.raw, rejected.key, rejected.values["abh_id"]) == (BROKEN, "B-1", "B-1")


def test_broken_quote_before_a_record_with_quoted_values(db):
    later = [row("B-4", familienname='Al "Abu" Haddad; jr.'), row("B-5", strasse="Weg\n3")]
    data = csv_bytes([row("B-0")], raw_lines=[BROKEN]) + csv_bytes(later)[len(";".join(HEADER)) + 1:]
    s = import_abh(data)
    assert (s.records, s.created, s.rejected) == (4, 3, 1)
    assert [(e["line"], e["column"]) for e in s.errors] == [(3, "familienname")]
    assert abh_person(db, "B-4").family_name == 'Al "Abu" Haddad; jr.'
    assert abh_person(db, "B-5").street == "Weg\n3"


def test_broken_quote_on_the_last_line_and_text_after_a_closing_quote(db):
    data = csv_bytes(
        [row("B-6")], raw_lines=['B-7;;"Al "Abu" Haddad";Samir;17.05.1990;m;SYR;AE;;;;;;;;;;', BROKEN]
    )
    s = import_abh(data)
    assert (s.records, s.created, s.rejected) == (3, 1, 2)
    assert [(e["line"], e["column"]) for e in s.errors] == [(3, "familienname"), (4, "familienname")]
    assert all("Anführungszeichen" in e["message"] for e in s.errors)
