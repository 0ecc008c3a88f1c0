"""Anonymisation removes what identifies a person, leaves a content-free trace, and keeps statistics."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEvent
from caseapp.privacy.markers import is_erased
from caseapp.privacy.models import ErasedKey
from caseapp.privacy.operations import anonymise, quarter_start, run_retention
from caseapp.sources.models import FieldProvenance, SourceRecord
from caseapp.workflows.models import Transition


@pytest.fixture()
def journal_file(app, tmp_path, monkeypatch):
    path = tmp_path / "erasure-journal.jsonl"
    monkeypatch.setitem(app.config, "CASEAPP_ERASURE_JOURNAL", str(path))
    return path


def _source_record(db, person, key="ABH-4711"):
    rec = SourceRecord(source_code="abh", key=key, person_id=person.id, values_hash="0" * 32)
    db.session.add(rec)
    db.session.add(FieldProvenance(person_id=person.id, field="street", source_code="abh"))
    db.session.flush()
    return rec


def test_anonymise_removes_identity_and_keeps_what_statistics_count(db, factory, journal_file):
    household = factory.household(label="Familie Haddad")
    person = factory.person(family_name="Haddad", given_names="Rania", birth="2019-05-20", sex="w",
                            nationalities=("SYR", "TUR"), residence_status="AE", district="11",
                            azr_number="123456789012", household=household, state="departed",
                            street="Lotter Straße", house_number="12", postcode="49078", city="Osnabrück",
                            needs="rollstuhl", move_out_date=date(2023, 3, 1))
    db.session.add(Transition(entity="person", entity_id=person.id, event="depart", from_state="housed",
                              to_state="departed", occurred_on=date(2023, 3, 1), by_label="test",
                              reason="zieht zu Bruder Omar Haddad nach Köln"))
    _source_record(db, person)

    assert anonymise(person, actor="retention") is True
    db.session.expire_all()

    assert (person.family_name, person.given_names, person.azr_number, person.needs) == (
        None,
        None,
        None,
        None,
    )
    assert (person.street, person.house_number, person.postcode, person.city) == (None, None, None, None)
    assert person.birth_date == date(2019, 4, 1) and person.birth_precision == "day"
    assert person.anonymised_at is not None and person.display_name == f"[anonymisiert #{person.id}]"
    # Kept for statistics: district, sex, nationalities, status, state, move-out date, household.
    assert (person.district_number, person.sex, person.nationality_codes, person.residence_status) == (
        "11", "w", ["SYR", "TUR"], "AE")
    assert person.state == "departed" and person.move_out_date == date(2023, 3, 1)
    assert person.household_id == household.id and household.label is None
    transition = db.session.scalar(select(Transition).where(Transition.entity_id == person.id))
    assert transition.to_state == "departed" and transition.reason is None
    # Links to sources cut; markers left so a re-delivery is caught.
    assert db.session.scalar(select(SourceRecord).where(SourceRecord.person_id == person.id)) is None
    assert db.session.scalar(select(FieldProvenance).where(FieldProvenance.person_id == person.id)) is None
    assert is_erased("abh", "ABH-4711") and is_erased("azr", "123456789012")
    assert not is_erased("abh", "ABH-4712")
    # Logged without content, in the audit trail and in the journal outside the database.
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "anonymise",
                                                       AuditEvent.object_id == str(person.id)))
    assert event.actor == "retention" and event.detail == "reason=retention"
    line = journal_file.read_text()
    entry = json.loads(line)
    assert entry["person_id"] == person.id and len(entry["markers"]) == 2
    for secret in ("Haddad", "Rania", "ABH-4711", "123456789012", "2019-05-20", "Lotter"):
        assert secret not in line
        assert secret not in " ".join(db.session.scalars(select(ErasedKey.marker)))
    # A second call changes nothing.
    assert anonymise(person) is False


def test_quarter_start_and_year_only_birth_dates(db, factory, journal_file):
    assert quarter_start(date(1990, 12, 31)) == date(1990, 10, 1)
    assert quarter_start(date(1990, 1, 1)) == date(1990, 1, 1)
    month_only = factory.person(birth="1990-08-00", state="departed")
    year_only = factory.person(birth="1985-00-00", state="departed")
    anonymise(month_only)
    anonymise(year_only)
    assert (month_only.birth_date, month_only.birth_precision) == (date(1990, 7, 1), "day")
    assert (year_only.birth_date, year_only.birth_precision) == (date(1985, 7, 1), "year")


def _depart(db, person, on):
    person.state = "departed"
    person.move_out_date = on
    db.session.add(Transition(entity="person", entity_id=person.id, event="depart", from_state="housed",
                              to_state="departed", occurred_on=on, by_label="test"))
    db.session.flush()


def test_retention_anonymises_only_cases_whose_period_has_ended(db, factory, journal_file, app, monkeypatch):
    old = factory.person(family_name="Alt")
    _depart(db, old, date(2023, 6, 30))
    recent = factory.person(family_name="Neu")
    _depart(db, recent, date(2025, 6, 30))
    youth = factory.person(family_name="Jugend", office="jug")
    _depart(db, youth, date(2023, 6, 30))
    present = factory.person(family_name="Hier", state="housed")
    monkeypatch.setitem(app.config, "CASEAPP_RETENTION_OVERRIDES", "jug.person=36")

    assert run_retention(date(2025, 6, 29))["anonymised"] == 0  # one day before two years have passed
    assert run_retention(date(2025, 6, 30))["anonymised"] == 1
    assert old.anonymised_at and not recent.anonymised_at and not youth.anonymised_at
    assert run_retention(date(2026, 6, 30))["anonymised"] == 1  # the youth office keeps three years
    assert youth.anonymised_at and not present.anonymised_at and not recent.anonymised_at
    assert run_retention(date(2026, 6, 30))["anonymised"] == 0


def test_a_person_the_source_still_delivers_is_not_due(db, factory, journal_file):
    person = factory.person(family_name="Geliefert")
    _depart(db, person, date(2023, 6, 30))
    record = _source_record(db, person, key="ABH-1")
    assert run_retention(date(2026, 1, 1))["anonymised"] == 0  # the foreigners authority's case is open
    record.missing_since = date(2024, 1, 31)
    assert run_retention(date(2026, 1, 1))["anonymised"] == 1


def test_anonymisation_cuts_the_household_while_relatives_are_on_record(db, factory, journal_file):
    """Issue 13 item 15: an anonymised person stayed in a household with named relatives."""
    family = factory.household(label="Wohngemeinschaft Lotter Straße")
    gone = factory.person(family_name="Karimi", household=family, state="departed")
    sister = factory.person(family_name="Karimi", given_names="Soraya", household=family, state="housed")

    anonymise(gone)
    db.session.expire_all()

    assert gone.household_id is None and sister.household_id == family.id
    assert family.label == "Wohngemeinschaft Lotter Straße"  # still the sister's household
    anonymise(sister, reason="request")
    db.session.expire_all()
    assert sister.household_id == family.id and family.label is None  # the last member keeps the count


def test_a_family_anonymised_in_one_run_stays_a_household(db, factory, journal_file):
    family = factory.household(label="Familie Haddad")
    members = [factory.person(family_name="Haddad", household=family, state="departed",
                              move_out_date=date(2023, 3, 1)) for _ in range(3)]
    for person in members:
        _depart(db, person, date(2023, 3, 1))

    assert run_retention(date(2025, 6, 30))["anonymised"] == 3
    db.session.expire_all()
    assert [p.household_id for p in members] == [family.id] * 3 and family.label is None


def test_anonymisation_coarsens_every_date_to_its_month(db, factory, journal_file):
    """Exact days of entry, moves, transitions and stays linked an anonymised person back."""
    from caseapp.shelters.models import Stay

    room = factory.shelter(rooms=(("1.01", 1),)).rooms[0]
    person = factory.person(state="departed", entry_date=date(2022, 3, 14), move_in_date=date(2022, 4, 2),
                            move_out_date=date(2023, 3, 17))
    other = factory.person(state="housed")
    long_stay = factory.stay(person, room, start=date(2022, 3, 20), end=date(2022, 9, 7))
    short_stay = factory.stay(person, room, start=date(2022, 9, 10), end=date(2022, 9, 25))
    # The single bed is taken right after: a stay moved earlier or made longer would overbook it.
    factory.stay(other, room, start=date(2022, 9, 25), end=date(2022, 12, 1))
    _depart(db, person, date(2023, 3, 17))

    anonymise(person)
    db.session.expire_all()

    assert (person.entry_date, person.move_in_date, person.move_out_date) == (
        date(2022, 3, 1), date(2022, 4, 1), date(2023, 3, 1))
    assert db.session.scalar(select(Transition.occurred_on).where(Transition.entity_id == person.id)) == \
        date(2023, 3, 1)
    # Covers exactly the month ends it covered before (31 March ... 31 August), never a day more.
    assert (long_stay.start_date, long_stay.end_date) == (date(2022, 3, 31), date(2022, 9, 1))
    assert short_stay.start_date == short_stay.end_date == date(2022, 9, 30)
    assert all(o.since.day == 1 for o in person.offices)
    assert db.session.get(Stay, long_stay.id) is not None
