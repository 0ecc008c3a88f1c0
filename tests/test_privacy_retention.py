"""The retention run from the command line and the nightly task; expired raw delivery content goes too."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from caseapp.audit.models import AuditEvent
from caseapp.people.models import Person
from caseapp.sources.models import Delivery, RejectedRecord, SyncRun
from caseapp.workflows.models import Transition


@pytest.fixture()
def journal_file(app, tmp_path, monkeypatch):
    path = tmp_path / "erasure-journal.jsonl"
    monkeypatch.setitem(app.config, "CASEAPP_ERASURE_JOURNAL", str(path))
    return path


def _departed(db, factory, on: date, **kw):
    person = factory.person(state="departed", move_out_date=on, **kw)
    db.session.add(Transition(entity="person", entity_id=person.id, event="depart", from_state="housed",
                              to_state="departed", occurred_on=on, by_label="test"))
    db.session.flush()
    return person


def test_cli_prints_exactly_the_count_as_json(db, app, factory, journal_file):
    expired = [_departed(db, factory, date(2023, 1, 31)) for _ in range(2)]
    recent = _departed(db, factory, date(2026, 1, 31))
    runner = app.test_cli_runner()

    result = runner.invoke(args=["retention", "run", "--as-of", "2026-01-31", "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"anonymised": 2}
    assert all(p.anonymised_at for p in expired) and recent.anonymised_at is None
    again = runner.invoke(args=["retention", "run", "--as-of", "2026-01-31", "--json"])
    assert json.loads(again.output) == {"anonymised": 0}
    plain = runner.invoke(args=["retention", "run", "--as-of", "2028-02-01", "--allow-future"])
    assert plain.exit_code == 0 and "Anonymisiert: 1 Personen" in plain.output


def test_cli_refuses_a_bad_date_in_german(app):
    result = app.test_cli_runner().invoke(args=["retention", "run", "--as-of", "31.01.2026"])
    assert result.exit_code == 2 and "kein Datum der Form JJJJ-MM-TT" in result.output


def test_a_future_day_is_refused_and_changes_nothing(db, app, factory, journal_file):
    """Anonymisation is irreversible: as_of 2035 would erase cases years before their period ends."""
    person = _departed(db, factory, date(2026, 1, 31))
    runner = app.test_cli_runner()

    result = runner.invoke(args=["retention", "run", "--as-of", "2035-01-01", "--json"])

    assert result.exit_code == 1
    assert "liegt nach dem heutigen Tag" in result.output and "--allow-future" in result.output
    assert person.anonymised_at is None and not journal_file.exists()


def test_a_drill_may_run_in_the_future_when_it_says_so(db, app, factory, journal_file):
    person = _departed(db, factory, date(2026, 1, 31))

    result = app.test_cli_runner().invoke(
        args=["retention", "run", "--as-of", "2035-01-01", "--json", "--allow-future"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"anonymised": 1} and person.anonymised_at is not None
    drill = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention_drill"))
    assert drill.detail == "as_of=2035-01-01" and drill.channel == "cli"


def test_the_task_refuses_a_future_day_unless_told(db, factory, journal_file):
    from caseapp.privacy.operations import FutureDateRefused
    from caseapp.tasks.privacy import retention_task

    person = _departed(db, factory, date(2026, 1, 31))
    with pytest.raises(FutureDateRefused):
        retention_task.delay("2035-01-01").get()
    db.session.expire_all()
    assert person.anonymised_at is None

    counts = retention_task.delay("2035-01-01", allow_future=True).get()
    db.session.expire_all()
    assert counts["anonymised"] == 1 and person.anonymised_at is not None


def test_nightly_task_runs_the_same_operation(db, factory, journal_file):
    from caseapp.tasks.privacy import retention_task
    from caseapp.tasks.schedule import BEAT_SCHEDULE

    person = _departed(db, factory, date(2023, 1, 31))
    counts = retention_task.delay("2026-01-31").get()
    db.session.expire_all()  # the task ran in its own app context (own session on the same connection)
    assert counts["anonymised"] == 1 and person.anonymised_at is not None
    assert db.session.scalar(select(AuditEvent.channel).where(AuditEvent.action == "anonymise")) == "task"
    assert BEAT_SCHEDULE["privacy-retention-nightly"]["task"] == retention_task.name


def test_expired_raw_lines_and_delivery_files_are_purged(db, factory, journal_file, tmp_path):
    archived = tmp_path / "ABH_20250101.csv"
    archived.write_text("abh_id;familienname\nX1;Geheim\n", encoding="utf-8")
    old = Delivery(source_code="abh", file_name=archived.name, checksum="c" * 64, as_of=date(2025, 1, 1),
                   received_at=datetime(2025, 1, 1, 8), archived_path=str(archived))
    new = Delivery(source_code="abh", file_name="ABH_20260101.csv", checksum="d" * 64, as_of=date(2026, 1, 1),
                   received_at=datetime(2026, 1, 1, 8), archived_path=str(tmp_path / "new.csv"))
    db.session.add_all([old, new])
    db.session.flush()
    for delivery, started in ((old, datetime(2025, 1, 1, 8)), (new, datetime(2026, 1, 1, 8))):
        run = SyncRun(delivery_id=delivery.id, source_code="abh", as_of=delivery.as_of, status="done",
                      started_at=started)
        db.session.add(run)
        db.session.flush()
        db.session.add(RejectedRecord(run_id=run.id, source_code="abh", line=2, key="X1",
                                      raw="X1;Geheim", values={"familienname": "Geheim"}, errors=[]))
    db.session.flush()
    from caseapp.privacy.operations import run_retention

    counts = run_retention(date(2026, 2, 1))

    assert counts["raw_records"] == 1 and counts["delivery_files"] == 1
    assert not archived.exists() and old.archived_path is None and new.archived_path is not None
    assert db.session.scalar(select(func.count(RejectedRecord.id))) == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "purge"))
    assert event.detail == "raw_records=1,delivery_files=1"


ABH_HEADER = "abh_id;familienname;vornamen;geburtsdatum;geschlecht;staatsangehoerigkeit;aufenthaltsstatus"


def test_a_redelivered_erased_key_does_not_bring_the_person_back(db, app, journal_file, tmp_path):
    from caseapp.privacy.operations import anonymise

    csv = tmp_path / "ABH_20260930.csv"
    csv.write_text(ABH_HEADER + "\nK-777;Rückkehr;Lina;01.02.1990;w;SYR;GESTATTUNG\n", encoding="utf-8")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["sync", "import", "abh", str(csv), "--json"]).exit_code == 0
    person = db.session.scalar(select(Person).where(Person.family_name == "Rückkehr"))
    anonymise(person, reason="request")

    result = runner.invoke(args=["sync", "import", "abh", str(csv), "--as-of", "2026-10-31", "--json"])

    summary = json.loads(result.output)
    assert (summary["created"], summary["rejected"]) == (0, 1)
    assert "bereits gelöscht" in summary["errors"][0]["message"]
    assert db.session.scalar(select(Person).where(Person.family_name == "Rückkehr")) is None
