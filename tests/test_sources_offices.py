"""The other offices deliver (office-deliveries.md): soz and jug CSV, sch XLSX, jc only when approved."""
from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from caseapp.sources.jug import JugFact
from caseapp.sources.models import SourceRecord, SyncRun
from caseapp.sources.operations import import_file
from caseapp.sources.sch import SchFact
from caseapp.sources.soz import SozFact

DATA = Path(__file__).resolve().parent / "data"
SCH_HEADER = ["sch_id", "familienname", "vornamen", "geburtsdatum", "geschlecht", "staatsangehoerigkeit",
              "schulnummer", "schulform", "jahrgang", "sprachfoerderung", "schulstadtteil"]
SOZ_HEADER = ["soz_id", "azr_nr", "familienname", "vornamen", "geburtsdatum", "geschlecht",
              "staatsangehoerigkeit", "leistungsart", "leistung_seit", "leistung_bis", "unterbringung"]


def soz_csv(*rows: list[str]) -> bytes:
    return ("\n".join(";".join(r) for r in (SOZ_HEADER, *rows)) + "\n").encode("utf-8")


def soz_row(key="SZ-1", name="Haddad", benefit="ASYLBLG3", azr="", sex="m") -> list[str]:
    return [key, azr, name, "Samir", "17.05.1990", sex, "SYR", benefit, "01.03.2026", "", "GU"]


def xlsx(rows: list[list], header=SCH_HEADER) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if header:
        ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(code: str, data: bytes, name: str):
    summary = import_file(code, data, file_name=name)
    j = summary.as_json()
    assert j["created"] + j["updated"] + j["unchanged"] + j["rejected"] == j["records"], j
    return summary


def person_of(db, code: str, key: str):
    db.session.expire_all()
    return db.session.scalar(select(SourceRecord).where(SourceRecord.source_code == code,
                                                        SourceRecord.key == key)).person


def test_soz_sample_links_by_azr_keeps_abh_identity_and_records_its_benefit(db):
    run("abh", (DATA / "ABH_20260930.csv").read_bytes(), "ABH_20260930.csv")
    s = run("soz", (DATA / "SOZ_20261130.csv").read_bytes(), "SOZ_20261130.csv")
    assert (s.records, s.rejected, s.created, s.updated, s.linked, s.new_persons) == (6, 0, 5, 1, 1, 5)
    kidane = person_of(db, "soz", "SZ-1001")
    assert kidane.id == person_of(db, "abh", "S-000000").id
    assert {o.office_code for o in kidane.offices} == {"abh", "soz"}
    # SZ-1005 carries S-000001's AZR number with another sex: its own person, the number stays with abh's.
    other = person_of(db, "soz", "SZ-1005")
    assert other.id != person_of(db, "abh", "S-000001").id and other.azr_number is None
    assert person_of(db, "abh", "S-000001").azr_number == "164335179042"
    assert other.residence_status is None  # only the foreigners authority knows it
    fact = db.session.scalar(select(SozFact).join(SourceRecord).where(SourceRecord.key == "SZ-1004"))
    assert (fact.benefit, fact.benefit_to, fact.valid_from, fact.valid_to) == (
        "SGB12", date(2026, 11, 30), date(2026, 11, 30), None)
    again = run("soz", (DATA / "SOZ_20261130.csv").read_bytes(), "SOZ_20261130.csv")
    assert (again.unchanged, again.created, again.updated) == (6, 0, 0)


def test_a_changed_benefit_closes_the_old_row_and_a_missing_person_is_flagged(db):
    run("soz", soz_csv(soz_row("SZ-1"), soz_row("SZ-2", name="Nasser")), "SOZ_20261001.csv")
    s = run("soz", soz_csv(soz_row("SZ-1", benefit="ASYLBLG2")), "SOZ_20261101.csv")
    assert (s.updated, s.missing) == (1, 1)
    rows = db.session.scalars(select(SozFact).join(SourceRecord).where(SourceRecord.key == "SZ-1")
                              .order_by(SozFact.id)).all()
    assert [(r.benefit, r.valid_from, r.valid_to) for r in rows] == [
        ("ASYLBLG3", date(2026, 10, 1), date(2026, 11, 1)), ("ASYLBLG2", date(2026, 11, 1), None)]
    assert person_of(db, "soz", "SZ-2").flagged_missing_since == date(2026, 11, 1)


def test_soz_record_is_rejected_per_column_and_the_rest_imported(db):
    s = run("soz", soz_csv(soz_row("SZ-1"), soz_row("SZ-2", benefit="HARTZ4"),
                           [*soz_row("SZ-3")[:8], "01.03.2026", "01.02.2026", "GU"]), "SOZ_20261001.csv")
    assert (s.created, s.rejected) == (1, 2)
    assert [(e["line"], e["column"]) for e in s.errors] == [(3, "leistungsart"), (4, "leistung_bis")]


def test_jug_sample_imports_measures_guardianship_and_kita(db):
    s = run("jug", (DATA / "JUG_20261130.csv").read_bytes(), "JUG_20261130.csv")
    assert (s.records, s.created, s.rejected) == (5, 5, 0)
    fact = db.session.scalar(select(JugFact).join(SourceRecord).where(SourceRecord.key == "JG-504"))
    assert (fact.measure, fact.kita, fact.kita_since, fact.kita_district) == (
        "KEINE", "BETREUT", date(2024, 8, 1), "08")
    assert person_of(db, "jug", "JG-501").birth.german == "00.00.2010"


def test_sch_sample_workbook_takes_date_cells_as_dates(db):
    s = run("sch", (DATA / "SCH_20261130.xlsx").read_bytes(), "SCH_20261130.xlsx")
    assert (s.records, s.created, s.rejected) == (5, 5, 0), s.errors
    assert person_of(db, "sch", "SC-9001").birth.german == "01.06.2016"
    ahmadi = person_of(db, "sch", "SC-9002")
    assert ahmadi.nationality_codes == ["XXX"]  # the school office does not deliver nationality
    fact = db.session.scalar(select(SchFact).join(SourceRecord).where(SourceRecord.key == "SC-9001"))
    assert (fact.school_number, fact.school_type, fact.grade, fact.language_support) == (
        "94512",
        "GS",
        4,
        "DAZ",
    )
    again = run("sch", (DATA / "SCH_20261130.xlsx").read_bytes(), "SCH_20261130.xlsx")
    assert again.unchanged == 5


def test_sch_rejects_a_number_as_birth_date_by_row_and_bad_workbooks_whole(db):
    good = ["SC-1", "Ali", "Omar", datetime(2016, 6, 1), "m", "SYR", "94512", "GS", 4, None, "01"]
    serial = ["SC-2", "Ali", "Sara", 42522, "w", "SYR", "94512", "GS", 3, None, "01"]
    s = run("sch", xlsx([good, [None] * 11, serial]), "SCH_20261001.xlsx")
    assert (s.created, s.rejected) == (1, 1)
    assert (s.errors[0]["line"], s.errors[0]["column"]) == (4, "geburtsdatum")
    assert "Zahl 42522" in s.errors[0]["message"]
    for data in (b"sch_id;familienname\nSC-1;Ali\n", xlsx([], header=None), xlsx([])):
        rejected = import_file("sch", data, file_name="SCH_20261001.xlsx")
        assert rejected.status == "rejected" and rejected.records == 0, rejected.message


def test_jc_is_rejected_whole_until_the_connection_is_approved(app, db):
    data = (
        b"jc_id;familienname;vornamen;geburtsdatum;geschlecht;staatsangehoerigkeit;erwerbsstatus;sprachniveau\n"
        b"JC-1;Haddad;Samir;17.05.1990;m;SYR;ARBEITSUCHEND;B1\n"
    )
    refused = import_file("jc", data, file_name="JC_20261001.csv")
    assert refused.status == "rejected" and "nicht freigegeben" in refused.message
    assert db.session.scalar(select(SourceRecord.id).where(SourceRecord.source_code == "jc")) is None
    app.config["CASEAPP_SOURCE_JC_ENABLED"] = True
    try:
        done = run("jc", data, "JC_20261001.csv")
    finally:
        app.config["CASEAPP_SOURCE_JC_ENABLED"] = False
    assert done.created == 1


@pytest.mark.parametrize("code", ["soz", "sch"])
def test_other_offices_on_sqlite(sqlite_app, code):
    from caseapp.extensions import db

    data = (DATA / ("SOZ_20261130.csv" if code == "soz" else "SCH_20261130.xlsx")).read_bytes()
    s = import_file(code, data, file_name=f"{code.upper()}_20261130.x")
    db.session.commit()
    assert (s.created, s.rejected) == (s.records, 0) and s.records >= 5
    again = import_file(code, data, file_name=f"{code.upper()}_20261130.x")
    db.session.commit()
    assert again.unchanged == s.records


def test_persons_without_residence_status_count_in_a_built_cube(db):
    from caseapp.stats import agegroups, cube

    cube.rebase(date(2026, 11, 30), agegroups.configured_groups())
    s = run("soz", (DATA / "SOZ_20261130.csv").read_bytes(), "SOZ_20261130.csv")
    assert s.created == 6  # was a NOT NULL violation in the cube trigger: soz knows no residence status
    cube.fold()  # the triggers' appended changes into the cells (migration 0025)
    total = db.session.execute(select(func.sum(text("n"))).select_from(text("stats_cube"))
                               .where(text("rollup = 0"))).scalar()
    assert total == 6


def test_beat_scans_every_offices_inbox_folder(app, db):
    import shutil

    from caseapp.tasks.sources import scan_inbox

    celery = app.extensions["celery"]
    celery.set_current()
    celery.set_default()
    folders = [Path(app.config[k]) / code
               for k in ("CASEAPP_INBOX", "CASEAPP_ARCHIVE") for code in ("sch", "jug")]
    for folder in folders[:2]:
        folder.mkdir(parents=True, exist_ok=True)
    try:
        (folders[0] / "SCH_20261130.xlsx").write_bytes((DATA / "SCH_20261130.xlsx").read_bytes())
        (folders[1] / "JUG_20261130.csv").write_bytes((DATA / "JUG_20261130.csv").read_bytes())
        assert sorted(scan_inbox.delay().get()) == ["jug", "sch"]
        runs = db.session.execute(select(SyncRun.source_code, SyncRun.status, SyncRun.created)
                                  .order_by(SyncRun.source_code)).all()
        assert [tuple(r) for r in runs] == [("jug", "done", 5), ("sch", "done", 5)]
        assert len(list(folders[2].glob("*_SCH_20261130.xlsx"))) == 1
    finally:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
