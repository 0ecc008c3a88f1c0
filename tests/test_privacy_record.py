"""The record of processing (Art. 30) describes every column of every table, and the admin shows it
read-only."""
from __future__ import annotations

import pytest

from caseapp.auth.roles import ROLES
from caseapp.extensions import db as _db
from caseapp.offices.models import OFFICES
from caseapp.people.access import ALLOCATION_FIELDS
from caseapp.privacy.record import COLUMN_KEYS, add_missing, load, missing_entries, stale_entries


@pytest.fixture(scope="module")
def record(app):
    return load()


def test_every_column_of_every_table_is_in_the_record(app, record):
    assert len(_db.metadata.tables) >= 25  # all areas' models are imported by create_app
    missing = missing_entries(_db.metadata, record)
    assert missing == [], "Im Verzeichnis fehlen (caseapp privacy record-check --add-missing): " + ", ".join(
        f"{t}.{c}" for t, c in missing)
    assert stale_entries(_db.metadata, record) == []


def test_every_entry_is_complete_and_uses_known_terms(app, record):
    problems = []
    for table, entry in record["tables"].items():
        if "ZU PRÜFEN" in entry["purpose"]:
            problems.append(f"{table}: Zweck ungeprüft")
        for column, e in entry["columns"].items():
            where = f"{table}.{column}"
            problems += [f"{where}: {k} fehlt" for k in COLUMN_KEYS if k not in e]
            if not e.get("purpose") or "ZU PRÜFEN" in e.get("purpose", ""):
                problems.append(f"{where}: Zweck fehlt oder ungeprüft")
            if e.get("category") not in record["categories"]:
                problems.append(f"{where}: unbekannte Kategorie {e.get('category')!r}")
            if e.get("retention") not in record["retention"]:
                problems.append(f"{where}: unbekannte Frist {e.get('retention')!r}")
            if not set(e.get("readable_by", [])) <= set(ROLES):
                problems.append(f"{where}: unbekannte Rolle in {e.get('readable_by')}")
            if not e.get("source_offices") or not set(e["source_offices"]) <= set(OFFICES) | {"intern"}:
                problems.append(f"{where}: unbekanntes Amt in {e.get('source_offices')}")
    assert problems == []


def test_record_agrees_with_the_access_rules(app, record):
    """What the record says a shelter manager may read of a person is exactly what the code lets them read."""
    person = record["tables"]["person"]["columns"]
    readable = {c for c, e in person.items() if "shelter_manager" in e["readable_by"]}
    assert readable == set(ALLOCATION_FIELDS)
    assert not any("analyst" in e["readable_by"] for e in person.values())
    assert all("caseworker" in e["readable_by"] and "auditor" in e["readable_by"] for e in person.values())


def test_a_new_column_is_caught_and_can_be_added_for_review(app, record):
    from sqlalchemy import Column, Integer, MetaData, String, Table

    metadata = MetaData()
    Table("person", metadata, Column("id", Integer, primary_key=True), Column("nickname", String(50)))
    assert ("person", "nickname") in missing_entries(metadata, record)
    copy = {"tables": {k: {"purpose": v["purpose"], "columns": dict(v["columns"])}
                       for k, v in record["tables"].items()}}
    assert add_missing(metadata, copy) == [("person", "nickname")]
    assert copy["tables"]["person"]["columns"]["nickname"]["purpose"] == "ZU PRÜFEN"
    assert missing_entries(metadata, copy) == []


def test_admin_shows_the_record_read_only_in_german(db, login_as):
    page = login_as("auditor", offices=()).get("/admin/privacy/record/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Verzeichnis von Verarbeitungstätigkeiten" in html and "Aufbewahrungsfristen" in html
    assert "<code>family_name</code>" in html and "Identitätsdaten" in html
    assert "24 Monate" in html and "<form" not in html.split("<main", 1)[1]
    assert login_as("admin", offices=()).get("/admin/privacy/record/").status_code == 200


@pytest.mark.parametrize("role", ["caseworker", "shelter_manager", "analyst"])
def test_other_roles_do_not_see_the_record(db, login_as, role):
    assert login_as(role).get("/admin/privacy/record/").status_code == 403


def test_record_check_command(app):
    result = app.test_cli_runner().invoke(args=["privacy", "record-check"])
    assert result.exit_code == 0, result.output
    assert "vollständig" in result.output
