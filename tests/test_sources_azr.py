"""The AZR number pools a human across offices, but never merges two different humans."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from caseapp.people.models import Person
from caseapp.sources.models import RejectedRecord, SourceRecord
from tests.test_sources_support import csv_bytes, import_abh, row

AZR = "555555555555"



def _record(db, key: str) -> SourceRecord | None:
    return db.session.scalar(
        select(SourceRecord).where(SourceRecord.source_code == "abh", SourceRecord.key == key)
    )


def test_new_key_with_the_azr_of_a_different_human_is_a_conflict_not_a_merge(db, factory):
    other = factory.person(azr_number=AZR, office="int", family_name="Kowalska", given_names="Anna",
                           birth="1975-03-02", sex="w", state="arrived")
    persons = db.session.scalar(select(func.count(Person.id)))
    s = import_abh(csv_bytes([row("C-1", azr_nr=AZR), row("C-2")]))
    assert (s.created, s.updated, s.rejected) == (1, 0, 1)
    [error] = s.errors
    assert (error["line"], error["column"]) == (2, "azr_nr")
    assert "C-1" in error["message"] and f"Person Nr. {other.id}" in error["message"]
    assert "Geburtsdatum und das Geschlecht passen nicht" in error["message"]
    for personal in ("Kowalska", "Anna", "1975", "02.03"):
        assert personal not in error["message"]
    db.session.expire_all()
    kept = db.session.get(Person, other.id)
    assert (kept.family_name, kept.given_names, kept.birth.german, kept.sex) == (
        "Kowalska",
        "Anna",
        "02.03.1975",
        "w",
    )
    assert _record(db, "C-1") is None
    assert db.session.scalar(select(func.count(Person.id))) == persons + 1
    assert db.session.scalar(select(RejectedRecord.key)) == "C-1"


def test_conflict_names_the_other_persons_source_keys(db, factory):
    other = factory.person(azr_number=AZR, office="int", birth="1990-05-17", sex="w")
    db.session.add(SourceRecord(source_code="int", key="INT-77", person_id=other.id, values_hash="x"))
    db.session.flush()
    s = import_abh(csv_bytes([row("C-3", azr_nr=AZR, geschlecht="m")]))
    assert s.rejected == 1
    message = s.errors[0]["message"]
    assert f"Person Nr. {other.id} (Schlüssel int 'INT-77')" in message and "C-3" in message
    assert "das Geschlecht passt nicht" in message and "Geburtsdatum" not in message


def test_one_day_apart_is_another_human(db, factory):
    factory.person(azr_number=AZR, office="int", birth="1990-05-18", sex="m")
    s = import_abh(csv_bytes([row("C-4", azr_nr=AZR, geburtsdatum="17.05.1990")]))
    assert s.rejected == 1 and "das Geburtsdatum passt nicht" in s.errors[0]["message"]


@pytest.mark.parametrize("stored_birth,stored_sex,delivered_birth,delivered_sex", [
    ("1990-05-17", "m", "17.05.1990", "m"),
    ("1990-05-00", "m", "17.05.1990", "m"),   # stored month only
    ("1990-00-00", "m", "00.05.1990", "m"),   # stored year only
    ("1990-05-17", "m", "00.00.1990", "m"),   # delivered year only
    ("1990-05-17", "x", "17.05.1990", "w"),   # sex not stated on one side
    ("1990-05-17", "d", "17.05.1990", "x"),
])
def test_same_human_is_linked(db, factory, stored_birth, stored_sex, delivered_birth, delivered_sex):
    known = factory.person(azr_number=AZR, office="int", birth=stored_birth, sex=stored_sex, state="arrived")
    s = import_abh(
        csv_bytes([row("C-5", azr_nr=AZR, geburtsdatum=delivered_birth, geschlecht=delivered_sex)])
    )
    assert (s.created, s.updated, s.rejected) == (0, 1, 0), s.errors
    assert _record(db, "C-5").person_id == known.id


def test_owner_with_a_key_of_this_source_stays_a_conflict(db, factory):
    import_abh(csv_bytes([row("C-6", azr_nr=AZR)]))
    s = import_abh(csv_bytes([row("C-6", azr_nr=AZR), row("C-7", azr_nr=AZR)]), name="ABH_20261001.csv")
    assert (s.unchanged, s.rejected) == (1, 1)
    assert "abh_id 'C-6'" in s.errors[0]["message"] and "abh_id 'C-7'" in s.errors[0]["message"]
    assert _record(db, "C-7") is None
