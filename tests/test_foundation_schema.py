"""The database refuses what the domain forbids: bad AZR numbers, overlapping stays, bad codes."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from caseapp.people.birthdate import BirthDate, BirthDateError


def _flush_fails(db, sql, **params):
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(text(sql), params)


def test_azr_number_must_be_twelve_digits(db, factory):
    p = factory.person(azr_number="123456789012")
    assert p.azr_number == "123456789012"
    _flush_fails(db, "UPDATE person SET azr_number = '12345678901' WHERE id = :id", id=p.id)
    _flush_fails(db, "UPDATE person SET azr_number = '12345678901X' WHERE id = :id", id=p.id)


def test_azr_number_is_unique(db, factory):
    factory.person(azr_number="000000000001")
    other = factory.person()
    _flush_fails(db, "UPDATE person SET azr_number = '000000000001' WHERE id = :id", id=other.id)


def test_partial_birth_date_keeps_precision_and_ages(db, factory):
    p = factory.person(birth="2020-00-00")
    db.session.expire_all()
    assert p.birth.iso == "2020-00-00"
    assert p.birth.german == "00.00.2020"
    assert p.birth.age_on(date(2026, 6, 30)) == 5
    assert p.birth.age_on(date(2026, 7, 1)) == 6
    q = factory.person(birth="2019-03-00")
    assert q.birth.iso == "2019-03-00"
    # A reference date that does not fit the precision is refused by the database.
    _flush_fails(db, "UPDATE person SET birth_date = '2019-03-02' WHERE id = :id", id=q.id)


@pytest.mark.parametrize("text_,message", [
    ("1990-13-00", "Monat 13"),
    ("1990-02-30", "30.02.1990"),
    ("1990-00-05", "Tag ohne Monat"),
    ("90-01-01", "JJJJ-MM-TT"),
])
def test_bad_birth_dates_say_what_is_wrong(text_, message):
    with pytest.raises(BirthDateError, match=message):
        BirthDate.parse_iso(text_)


def test_nationalities_keep_their_order_and_primary(db, factory):
    p = factory.person(nationalities=("SYR", "TUR"))
    db.session.expire_all()
    assert p.nationality_codes == ["SYR", "TUR"]
    assert p.nationality == "SYR"
    _flush_fails(db, "INSERT INTO person_nationality (person_id, position, code) VALUES (:id, 5, 'sy')",
                 id=p.id)


def test_german_country_names_include_kosovo_and_special_codes():
    from caseapp.people.codes import is_nationality, nationality_name

    assert nationality_name("SYR") == "Syrien"
    assert nationality_name("XKX") == "Kosovo"
    assert nationality_name("XXA") == "staatenlos"
    assert nationality_name("TUR") == "Türkei"
    assert is_nationality("XXB") and not is_nationality("ABC")


def test_stays_of_one_person_never_overlap(db, factory):
    shelter = factory.shelter(rooms=(("1.01", 4), ("1.02", 2)))
    p = factory.person(state="accommodated")
    factory.stay(p, shelter.rooms[0], start=date(2026, 1, 1), end=date(2026, 2, 1))
    factory.stay(p, shelter.rooms[1], start=date(2026, 2, 1))  # adjacent is fine
    _flush_fails(db, "INSERT INTO stay (person_id, room_id, start_date, end_date) "
                     "VALUES (:p, :r, '2026-01-15', '2026-01-20')", p=p.id, r=shelter.rooms[0].id)


def test_blocked_beds_cannot_exceed_beds(db, factory):
    shelter = factory.shelter(rooms=(("1.01", 2),))
    _flush_fails(db, "UPDATE room SET blocked_beds = 3 WHERE id = :id", id=shelter.rooms[0].id)


def test_offices_roles_and_districts_are_seeded(db):
    from caseapp.districts.models import District
    from caseapp.offices.models import Office

    assert {o.code for o in db.session.scalars(db.select(Office))} == {
        "abh",
        "soz",
        "jug",
        "sch",
        "int",
        "jc",
    }
    names = {d.number: d.name for d in db.session.scalars(db.select(District))}
    assert len(names) == 23 and names["06"] == "Sonnenhügel" and names["21"] == "Darum/Gretesch/Lüstringen"
    roles = set(db.session.scalars(text("SELECT name FROM role")))
    assert roles == {"admin", "caseworker", "shelter_manager", "analyst", "auditor", "data_steward"}
