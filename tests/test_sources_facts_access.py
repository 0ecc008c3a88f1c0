"""An office's own facts are shown only to its caseworkers (and in the Art. 15 report); the shown
identity follows the offices' precedence and a caseworker's correction until a source says anew."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from caseapp.sources.fact_access import fact_counts
from caseapp.sources.models import FieldProvenance, SourceRecord
from caseapp.sources.operations import import_file
from tests.test_sources_support import csv_bytes, row

DATA = Path(__file__).resolve().parent / "data"
SOZ_HEADER = ("soz_id;azr_nr;familienname;vornamen;geburtsdatum;geschlecht;staatsangehoerigkeit;strasse;"
              "hausnummer;"
              "plz;ort;stadtteil;leistungsart")


def _person_id(db, code, key):
    return db.session.scalar(select(SourceRecord.person_id).where(SourceRecord.source_code == code,
                                                                  SourceRecord.key == key))


@pytest.fixture()
def pooled(db):
    """Kidane is known to abh and soz (same AZR number); soz knows her benefit."""
    import_file("abh", (DATA / "ABH_20260930.csv").read_bytes(), file_name="ABH_20260930.csv")
    import_file("soz", (DATA / "SOZ_20261130.csv").read_bytes(), file_name="SOZ_20261130.csv")
    db.session.flush()
    return _person_id(db, "soz", "SZ-1001")


def test_soz_facts_only_for_soz_caseworkers(db, login_as, pooled):
    url = f"/admin/person/details/?id={pooled}"
    soz = login_as("caseworker", offices=("soz",)).get(url)
    assert soz.status_code == 200
    page = soz.get_data(as_text=True)
    assert "Fachdaten Sozialamt" in page and "Analogleistungen § 2 AsylbLG" in page
    abh = login_as("caseworker", offices=("abh",)).get(url)
    assert abh.status_code == 200 and "Kidane" in abh.get_data(as_text=True)
    assert "Fachdaten" not in abh.get_data(as_text=True) and "AsylbLG" not in abh.get_data(as_text=True)
    for role, offices in (("shelter_manager", ("soz",)), ("analyst", ("soz",)), ("data_steward", ("soz",)),
                          ("auditor", ("soz",)), ("admin", ("soz",))):
        resp = login_as(role, offices=offices).get(url)
        assert "AsylbLG" not in resp.get_data(as_text=True), role


def test_art15_report_lists_every_offices_facts(db, login_as, pooled):
    from datetime import datetime

    from caseapp.people.models import Person
    from caseapp.privacy.access_report import collect

    ctx = collect(db.session.get(Person, pooled), generated_by="test", now=datetime(2026, 12, 1))
    section = next(s for s in ctx["sections"] if s["key"] == "fachdaten")
    soz = next(o for o in section["data"] if o["office"] == "soz")
    assert soz["rows"][0]["values"][0] == "Analogleistungen § 2 AsylbLG"


def test_analysts_get_counts_not_persons(db, pooled):
    counts = {value: n for value, n in fact_counts("soz", "benefit")}
    assert counts["ASYLBLG3"] == 3 and counts["SGB12"] == 1


def test_abh_wins_over_soz_and_a_correction_wins_until_a_source_says_anew(db, factory, pooled):
    from caseapp.people.models import Person
    from caseapp.people.operations import update_person
    from caseapp.sources.queries import provenance

    person = db.session.get(Person, pooled)
    assert (person.family_name, person.sex) == ("Kidane", "w")
    assert provenance(pooled)["family_name"]["source"] == "abh"
    worker = factory.user("caseworker", offices=("abh",))
    update_person(person, by=worker, family_name="Kidane-Tesfay", given_names=person.given_names,
                  birth=person.birth.iso, sex=person.sex, nationalities=person.nationality_codes,
                  residence_status=person.residence_status)
    assert provenance(pooled)["family_name"]["user"] == worker.email
    # soz delivers again, its name unchanged: the correction stays.
    soz = (DATA / "SOZ_20261130.csv").read_bytes().replace(b"ASYLBLG2;01.01.2023", b"ASYLBLG3;01.01.2023")
    import_file("soz", soz, file_name="SOZ_20261231.csv")
    db.session.expire_all()
    assert db.session.get(Person, pooled).family_name == "Kidane-Tesfay"
    # abh delivers a new family name: a new fact, it wins again.
    abh = (DATA / "ABH_20260930.csv").read_bytes().replace(b"S-000000;368577965056;Kidane;",
                                                           b"S-000000;368577965056;Kidane Gebre;")
    import_file("abh", abh, file_name="ABH_20261231.csv")
    db.session.expire_all()
    assert db.session.get(Person, pooled).family_name == "Kidane Gebre"
    prov = db.session.get(FieldProvenance, (pooled, "family_name"))
    assert (prov.source_code, prov.corrected_by_label, prov.value) == ("abh", None, None)


def test_recompute_identity_takes_the_higher_source(db):
    from caseapp.people.models import Person
    from caseapp.sources.identity import recompute_identity

    import_file("abh", csv_bytes([row("R-1", familienname="Haddad", azr_nr="123456789012")]),
                file_name="ABH_20260930.csv")
    soz = (SOZ_HEADER + "\nSZ-9;123456789012;Hadad;Samir;17.05.1990;m;SYR;;;;;;KEINE\n").encode()
    import_file("soz", soz, file_name="SOZ_20261001.csv")
    pid = _person_id(db, "abh", "R-1")
    assert _person_id(db, "soz", "SZ-9") == pid
    db.session.execute(Person.__table__.update().where(Person.id == pid).values(family_name="Hadad"))
    assert "family_name" in recompute_identity(pid)
    db.session.expire_all()
    assert db.session.get(Person, pid).family_name == "Haddad"
