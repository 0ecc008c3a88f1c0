"""Every time a person reads is Osnabrück time (issue 13 item 18): stored UTC, shown Europe/Berlin."""
from __future__ import annotations

from datetime import date, datetime

from caseapp.localtime import local_date, local_datetime


def test_the_helper_turns_stored_utc_into_osnabrueck_time():
    assert local_datetime(datetime(2026, 6, 30, 23, 30)) == "01.07.2026 01:30"  # summer: UTC+2
    # winter: UTC+1
    assert local_datetime(datetime(2026, 12, 2, 15, 0), seconds=True) == "02.12.2026 16:00:00"
    assert local_date(datetime(2026, 12, 31, 23, 30)) == "01.01.2027"
    assert local_date(date(2026, 12, 31)) == "31.12.2026" and local_datetime(None) == ""


def test_the_audit_log_shows_local_time(db, login_as):
    from caseapp.audit.models import AuditEvent

    db.session.add(AuditEvent(at=datetime(2026, 6, 30, 23, 30, 5), actor="cli", action="read",
                              object_type="person", object_id="4711", channel="cli",
                              prev_hash="a" * 64, hash="b" * 64))
    db.session.flush()
    page = login_as("auditor", offices=()).get("/admin/audit/?page_size=500").get_data(as_text=True)
    assert "01.07.2026 01:30" in page and "2026-06-30 23:30" not in page and "(UTC)" not in page


def test_the_person_timeline_shows_when_a_step_was_recorded_in_local_time(db, login_as, factory):
    from caseapp.workflows.models import Transition

    person = factory.person(family_name="Zeitzone", state="arrived")
    db.session.add(Transition(entity="person", entity_id=person.id, event="arrive", from_state="announced",
                              to_state="arrived", occurred_on=date(2026, 7, 1), by_label="test",
                              recorded_at=datetime(2026, 6, 30, 22, 15)))
    db.session.flush()
    page = login_as("caseworker").get(f"/admin/person/details/?id={person.id}").get_data(as_text=True)
    assert "01.07.2026 00:15" in page and "30.06.2026 22:15" not in page
