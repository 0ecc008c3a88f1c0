"""Every rule of spec/abh-delivery.md on files generated here: encodings, headers, records, conflicts."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select

from caseapp.people.models import Person
from caseapp.sources.models import FieldProvenance, RejectedRecord, SourceRecord, SyncRun
from caseapp.workflows.models import Transition
from tests.test_sources_support import HEADER, abh_person, csv_bytes, import_abh, row


def _counts(db) -> tuple:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in
                 (Person, SourceRecord, SyncRun, RejectedRecord, Transition))


@pytest.mark.parametrize("encoding,bom,eol", [
    ("utf-8", False, "\n"), ("utf-8", True, "\r\n"), ("cp1252", False, "\r\n"), ("cp1252", False, "\n"),
])
def test_encodings_and_line_endings_give_the_same_names(db, encoding, bom, eol):
    data = csv_bytes([row("E-1", familienname="Müßig-Öztürk", strasse="Große Straße")],
                     encoding=encoding, bom=bom, eol=eol)
    summary = import_abh(data)
    assert (summary.created, summary.rejected) == (1, 0)
    p = abh_person(db, "E-1")
    assert (p.family_name, p.street) == ("Müßig-Öztürk", "Große Straße")


@pytest.mark.parametrize("data,fragment", [
    (b"", "leer"),
    ("abh_id;familienname\n".encode("utf-16"), "UTF-16"),
    (csv_bytes([row("X-1", familienname="Müller")]).replace(b"Samir", b"Sam\xe4r"),
     "weder UTF-8 noch Windows-1252"),
    (csv_bytes([row("X-1")], encoding="cp1252") + b"\x81\n", "weder UTF-8 noch Windows-1252"),
    (csv_bytes([row("X-1")], header=[c for c in HEADER if c != "geburtsdatum"]),
     "Pflichtspalte fehlt: geburtsdatum"),
    (";".join(HEADER).encode() + b"\r\n", "keine Datensätze"),
    (b"%PDF-1.4\n1 0 obj\n", "keine Lieferung"),
    (csv_bytes([row("X-1")]).replace(b";", b","), "Trennzeichen"),
])
def test_unreadable_files_are_rejected_whole_and_change_nothing(db, data, fragment):
    import_abh(csv_bytes([row("K-1")]))
    before = _counts(db)
    summary = import_abh(data)
    assert summary.status == "rejected"
    assert fragment in summary.message
    assert summary.as_json()["records"] == 0 and summary.errors[0]["message"] == summary.message
    assert _counts(db) == before
    assert abh_person(db, "K-1").flagged_missing_since is None


def test_columns_found_by_name_in_any_order_extra_ignored(db):
    header = ["  Geburtsdatum ", "FAMILIENNAME", "vornamen", "Bemerkung", "abh_id", "geschlecht",
              "staatsangehoerigkeit", "aufenthaltsstatus"]
    data = csv_bytes([row("O-1", bemerkung="intern", familienname="Ortega")], header=header)
    assert import_abh(data).created == 1
    p = abh_person(db, "O-1")
    assert (p.family_name, p.birth.german, p.street, p.state) == ("Ortega", "17.05.1990", None, "arrived")


def test_partial_birth_dates_are_valid_bad_ones_rejected_with_line_and_column(db):
    data = csv_bytes([row("B-1", geburtsdatum="00.00.1988"), row("B-2", geburtsdatum="00.07.2001"),
                      row("B-3", geburtsdatum="31.02.2001"), row("B-4", geburtsdatum="00.05.20"),
                      row("B-5", geburtsdatum="05.00.2001"), row("B-6", geburtsdatum="01.01.2027")])
    s = import_abh(data)
    assert (s.created, s.rejected) == (2, 4)
    assert abh_person(db, "B-1").birth.iso == "1988-00-00" and abh_person(db, "B-2").birth.iso == "2001-07-00"
    by_line = {e["line"]: e for e in s.errors}
    assert set(by_line) == {4, 5, 6, 7}
    assert all(e["column"] == "geburtsdatum" for e in s.errors)
    assert "31.02.2001" in by_line[4]["message"]
    assert "TT.MM.JJJJ" in by_line[5]["message"]
    assert "Stichtag" in by_line[7]["message"]


def test_every_bad_value_names_its_column(db):
    bad = {"abh_id": "S 1", "azr_nr": "12345", "familienname": None, "geschlecht": "M",
           "staatsangehoerigkeit": "SYR,ABC", "aufenthaltsstatus": "ASYL", "einreisedatum": "2022-01-01",
           "plz": "4908", "stadtteil": "24", "rechtsgrundlage": "§" * 101}
    s = import_abh(csv_bytes([row("X") | bad]))
    assert s.rejected == 1
    assert {e["column"] for e in s.errors} == set(bad)
    assert all(e["line"] == 2 and e["message"] for e in s.errors)
    rejected = db.session.scalar(select(RejectedRecord))
    assert rejected.raw.startswith("S 1;12345;;") and rejected.values["geschlecht"] == "M"
    assert rejected.status == "open" and len(rejected.errors) == len(bad)


def test_duplicate_key_first_line_counts(db):
    s = import_abh(
        csv_bytes([row("D-1", familienname="Erste"), row("D-2"), row("D-1", familienname="Zweite")])
    )
    assert (s.created, s.rejected) == (2, 1)
    assert s.errors == [{"line": 4, "column": "abh_id", "message": s.errors[0]["message"]}]
    assert "Zeile 2" in s.errors[0]["message"]
    assert abh_person(db, "D-1").family_name == "Erste"


def test_azr_conflicts_name_both_keys(db):
    import_abh(csv_bytes([row("A-1", azr_nr="111111111111")]))
    s = import_abh(csv_bytes([row("A-1", azr_nr="111111111111"), row("A-2", azr_nr="111111111111"),
                           row("A-3", azr_nr="222222222222"), row("A-4", azr_nr="222222222222")]),
                name="ABH_20261001.csv")
    assert (s.created, s.unchanged, s.rejected) == (1, 1, 2)
    messages = {e["line"]: e["message"] for e in s.errors}
    assert "A-1" in messages[3] and "A-2" in messages[3]
    assert "A-3" in messages[5] and "A-4" in messages[5] and "Zeile 4" in messages[5]
    assert abh_person(db, "A-2") is None and abh_person(db, "A-4") is None


def test_person_known_from_elsewhere_is_linked_not_duplicated(db, factory):
    known = factory.person(azr_number="333333333333", office="int", family_name="Alt", state="announced")
    persons = db.session.scalar(select(func.count(Person.id)))
    s = import_abh(csv_bytes([row("L-1", azr_nr="333333333333", familienname="Neu")]))
    assert (s.created, s.updated) == (0, 1)
    assert db.session.scalar(select(func.count(Person.id))) == persons
    linked = abh_person(db, "L-1")
    assert linked.id == known.id and linked.family_name == "Neu"
    assert {o.office_code: o.via for o in linked.offices} == {"int": "registration", "abh": "source"}
    assert linked.state == "housed"  # announced -> arrive -> move_out, through the lifecycle operation
    prov = db.session.get(FieldProvenance, (known.id, "family_name"))
    assert prov.source_code == "abh"


def test_markup_and_formulas_are_kept_as_data(db):
    s = import_abh(csv_bytes([row("M-1", familienname="<script>alert(1)</script>",
                                  vornamen="=cmd|' /C calc'!A0",
                               strasse="+49 Weg", hausnummer="@1")]))
    assert s.created == 1
    p = abh_person(db, "M-1")
    assert (p.family_name, p.given_names) == ("<script>alert(1)</script>", "=cmd|' /C calc'!A0")
    assert (p.street, p.house_number) == ("+49 Weg", "@1")


def test_quoted_values_and_broken_quotes(db):
    data = csv_bytes([row("Q-1", familienname='Al "Abu" Haddad; jr.')],
                     raw_lines=['Q-2;;"Kaputt;Anna;01.01.1990;w;SYR;AE;;;;;;;;;;'])
    s = import_abh(data)
    assert (s.created, s.rejected) == (1, 1)
    assert abh_person(db, "Q-1").family_name == 'Al "Abu" Haddad; jr.'
    assert s.errors[0]["line"] == 3 and "Anführungszeichen" in s.errors[0]["message"]


def test_values_equal_after_normalisation_are_unchanged(db):
    import_abh(csv_bytes([row("N-1", familienname="Müller", vornamen="José")]))
    nfd = unicodedata.normalize("NFD", "  Müller ")
    s = import_abh(
        csv_bytes([row("N-1", familienname=nfd, vornamen=" José\t")], eol="\r\n"), name="ABH_20261001.csv"
    )
    assert (s.unchanged, s.updated) == (1, 0)


def test_change_updates_the_field_and_records_provenance(db):
    import_abh(csv_bytes([row("U-1", aufenthaltsstatus="GESTATTUNG"), row("U-2")]))
    s = import_abh(csv_bytes([row("U-1", aufenthaltsstatus="AE", rechtsgrundlage="§ 25 Abs. 2 AufenthG"),
                              row("U-2")]),
                name="ABH_20261031.csv")
    assert (s.updated, s.unchanged) == (1, 1)
    p = abh_person(db, "U-1")
    assert (p.residence_status, p.legal_basis) == ("AE", "§ 25 Abs. 2 AufenthG")
    prov = db.session.get(FieldProvenance, (p.id, "residence_status"))
    assert prov.source_code == "abh" and prov.delivery_id is not None
    assert db.session.get(FieldProvenance, (p.id, "family_name")) is None


def test_missing_persons_are_flagged_never_deleted_and_cleared_when_back(db):
    import_abh(csv_bytes([row("G-1"), row("G-2")]))
    s = import_abh(csv_bytes([row("G-1")]), name="ABH_20261031.csv")
    assert s.missing == 1
    gone = abh_person(db, "G-2")
    assert gone is not None and gone.flagged_missing_since == date(2026, 10, 31)
    assert gone.family_name == "Haddad"
    s = import_abh(csv_bytes([row("G-1"), row("G-2")]), name="ABH_20261130.csv")
    assert (s.missing, s.unchanged) == (0, 2)
    assert abh_person(db, "G-2").flagged_missing_since is None


def test_move_out_date_departs_and_shelter_address_means_arrived(db, factory):
    factory.shelter(name="GU Sedanstraße", street="Sedanstraße", house_number="115")
    s = import_abh(csv_bytes([row("W-1", wegzugsdatum="15.09.2026"), row("W-2", strasse="Sedanstraße",
                                                                   hausnummer="115"), row("W-3")]))
    assert s.created == 3
    assert abh_person(db, "W-1").state == "departed"
    assert abh_person(db, "W-2").state == "arrived"
    existing = abh_person(db, "W-3")
    assert existing.state == "housed"
    import_abh(csv_bytes([row("W-1", wegzugsdatum="15.09.2026"),
                          row("W-2", strasse="Sedanstraße", hausnummer="115"),
                       row("W-3", wegzugsdatum="20.10.2026")]), name="ABH_20261031.csv")
    assert abh_person(db, "W-3").state == "departed"
    last = db.session.scalars(select(Transition).where(Transition.entity_id == existing.id)
                              .order_by(Transition.id.desc())).first()
    assert (last.event, last.occurred_on, last.by_label) == ("depart", date(2026, 10, 20), "source:abh")


def test_families_become_households(db):
    import_abh(csv_bytes([row("F-1", familien_id="F9"), row("F-2", familien_id="F9"), row("F-3")]))
    a, b, c = (abh_person(db, k) for k in ("F-1", "F-2", "F-3"))
    assert a.household_id is not None and a.household_id == b.household_id and c.household_id is None


def test_first_line_of_a_key_counts_even_when_a_later_copy_is_identical_to_last_time(db):
    import_abh(csv_bytes([row("R-1", familienname="Alt")]))
    s = import_abh(
        csv_bytes([row("R-1", familienname="Neu"), row("R-1", familienname="Alt")]), name="ABH_20261031.csv"
    )
    assert (s.updated, s.unchanged, s.rejected) == (1, 0, 1)
    assert s.errors[0]["line"] == 3 and "Zeile 2" in s.errors[0]["message"]
    assert abh_person(db, "R-1").family_name == "Neu"


def test_keys_of_anonymised_persons_are_held_for_review_not_recreated(db):
    from datetime import datetime

    from caseapp.privacy.markers import AZR, add_marker, marker

    add_marker("abh", marker("abh", "X-1"), reason="request", at=datetime(2026, 9, 1))
    add_marker(AZR, marker(AZR, "444444444444"), reason="retention", at=datetime(2026, 9, 1))
    db.session.flush()
    s = import_abh(csv_bytes([row("X-1"), row("X-2", azr_nr="444444444444"), row("X-3")]))
    assert (s.created, s.rejected) == (1, 2)
    assert {e["line"] for e in s.errors} == {2, 3} and "anonymisiert" in s.errors[0]["message"]
    assert abh_person(db, "X-1") is None and abh_person(db, "X-3") is not None


def test_duplicate_keys_in_a_re_delivery_first_line_counts_also_beside_unchanged_lines(db):
    """An unchanged line is recognised without being read (by its raw hash); a key delivered twice still
    counts with its first line, whichever of the two is the unchanged one, and a key left out is flagged."""
    first = [row("D-1", familienname="Erste"), row("D-2", familienname="Zweite"), row("D-3")]
    import_abh(csv_bytes(first))
    s = import_abh(csv_bytes([
        row("D-1", familienname="Geändert"),  # line 2: changed, counts
        first[0],  # line 3: as stored, but D-1 came first in line 2
        first[1],  # line 4: as stored
        row("D-2", familienname="Später"),  # line 5: D-2 came first in line 4
    ]), name="ABH_20261001.csv")
    assert (s.updated, s.unchanged, s.rejected, s.missing) == (1, 1, 2, 1)
    lines = {e["line"]: e["message"] for e in s.errors}
    assert set(lines) == {3, 5} and "Zeile 2" in lines[3] and "Zeile 4" in lines[5]
    assert abh_person(db, "D-1").family_name == "Geändert"
    assert abh_person(db, "D-2").family_name == "Zweite"
    assert abh_person(db, "D-3").flagged_missing_since == date(2026, 10, 1)
