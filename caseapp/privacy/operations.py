"""Writers of the privacy area: anonymise a person, the retention run, re-applying journalled erasures.

Anonymisation keeps every column that statistics count by (district, sex, nationalities, residence
status, offices, transitions and stays) and removes what identifies a person: names, address, AZR
number, needs, free-text reasons, the source keys and every raw delivered value. Dates of entry,
move-in/out, transitions and stays become months and the household link to relatives still on
record is cut (privacy/coarsen.py). The birth date becomes the first day of its quarter, stored with
precision "day" so the birth_reference constraint holds (a year-only date, 1 July, is coarser already
and stays). Ages therefore agree with the true ones on every quarter-end reporting date; between
those, an anonymised person may count up to one quarter older. Flushes, never commits.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, select, update

from caseapp.audit.operations import record
from caseapp.extensions import db
from caseapp.localtime import local_today
from caseapp.people.models import Person
from caseapp.privacy import journal
from caseapp.privacy.access_info import actor_label, staff_label
from caseapp.privacy.access_report import collect
from caseapp.privacy.coarsen import coarsen_dates, scrub_household
from caseapp.privacy.markers import AZR, add_marker, marker, person_fingerprint
from caseapp.privacy.retention import Policy, add_months, due_persons
from caseapp.sources.models import (
    Delivery,
    FieldProvenance,
    RejectedRecord,
    Source,
    SourceRecord,
    SyncRun,
)
from caseapp.workflows.models import Transition

REASONS = ("retention", "request", "reapplied")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def erased_keys(person: Person) -> list[tuple[str, str]]:
    """(namespace, marker) for every key the person was known under: source keys and the AZR number."""
    keys = db.session.execute(
        select(SourceRecord.source_code, SourceRecord.key).where(SourceRecord.person_id == person.id)
    ).all()
    pairs = [(src, key) for src, key in keys]
    if person.azr_number:
        pairs.append((AZR, person.azr_number))
    return [(src, marker(src, key)) for src, key in pairs]


def anonymise(person: Person, *, by=None, actor: str = "retention", reason: str = "retention",
              channel: str | None = None, write_journal: bool = True,
              together: frozenset[int] = frozenset()) -> bool:
    """Anonymise one person in the caller's transaction; False when they were anonymised already.

    `together`: ids of persons anonymised in the same run (their household link may stay, coarsen.py)."""
    if reason not in REASONS:
        raise ValueError(f"unknown erasure reason {reason!r}")
    if person.anonymised_at is not None:
        return False
    now = _now()
    markers = erased_keys(person)
    if write_journal:
        journal.append(journal.Entry(now, person.id, person_fingerprint(person), tuple(markers), reason))
    source_keys = [(src, key) for src, key in db.session.execute(
        select(SourceRecord.source_code, SourceRecord.key).where(SourceRecord.person_id == person.id))]
    scrub_household(person, together)
    _scrub_person(person, now)
    _scrub_history(person)
    coarsen_dates(person)
    _cut_source_links(person, source_keys)
    from caseapp.casework.operations import erase_for

    erase_for(person.id)  # follow-ups and case notes are free text about the person
    for namespace, value in markers:
        add_marker(namespace, value, reason=reason, at=now)
    record("anonymise", "person", person.id, by=by, actor=None if by is not None else actor,
           channel=channel, detail=f"reason={reason}")
    db.session.flush()
    return True


def _scrub_person(person: Person, now: datetime) -> None:
    person.family_name = person.given_names = None
    person.street = person.house_number = person.postcode = person.city = None
    person.azr_number = None
    person.needs = None
    person.flagged_missing_since = None
    if person.birth_precision != "year":
        person.birth_date, person.birth_precision = quarter_start(person.birth_date), "day"
    person.anonymised_at = now


def _scrub_history(person: Person) -> None:
    """Transitions stay (they are the history statistics count); their free-text reasons may name people."""
    db.session.execute(
        update(Transition)
        .where(Transition.entity == "person", Transition.entity_id == person.id,
               Transition.reason.is_not(None))
        .values(reason=None)
        .execution_options(synchronize_session=False)
    )


def _cut_source_links(person: Person, source_keys: list[tuple[str, str]]) -> None:
    """Source records, provenance and quarantined raw lines of the person go; their markers stay."""
    db.session.execute(delete(FieldProvenance).where(FieldProvenance.person_id == person.id))
    db.session.execute(delete(RejectedRecord).where(RejectedRecord.person_id == person.id))
    for src, key in source_keys:
        db.session.execute(delete(RejectedRecord).where(RejectedRecord.source_code == src,
                                                        RejectedRecord.key == key))
    db.session.execute(delete(SourceRecord).where(SourceRecord.person_id == person.id))
    from caseapp.shelters.legacy.models import LegacyRowRecord

    # the rows of an old occupancy list that placed the person hold the name as the list wrote it
    db.session.execute(delete(LegacyRowRecord).where(LegacyRowRecord.person_id == person.id))


class FutureDateRefused(ValueError):
    """A retention day after today: anonymisation is irreversible, so a later day would erase early."""

    def __init__(self, as_of: date, today: date):
        super().__init__(
            f"Stichtag {as_of:%d.%m.%Y} liegt nach dem heutigen Tag ({today:%d.%m.%Y}): Anonymisierung ist "
            "endgültig und würde Fälle vor Ablauf ihrer Frist löschen. Nur für eine Übung mit "
            f"--allow-future (as_of {as_of.isoformat()} is after today; pass --allow-future for a drill "
            "only)."
        )
        self.as_of, self.today = as_of, today


def check_as_of(as_of: date, *, allow_future: bool = False) -> None:
    """Refuse a retention day after today (Osnabrück's today) unless a drill says so explicitly."""
    today = local_today()
    if as_of > today and not allow_future:
        raise FutureDateRefused(as_of, today)


def run_retention(as_of: date, *, by=None, actor: str = "retention", channel: str | None = None,
                  allow_future: bool = False) -> dict:
    """Anonymise every person whose retention period has ended by `as_of`, purge expired raw content.

    A day after today is refused (FutureDateRefused) unless `allow_future` (a drill on a copy)."""
    check_as_of(as_of, allow_future=allow_future)
    if as_of > local_today():
        record("retention_drill", "retention", None, by=by, actor=None if by is not None else actor,
               channel=channel, detail=f"as_of={as_of.isoformat()}")
    policy = Policy.from_config(current_app.config)
    count = 0
    due = due_persons(as_of, policy)
    together = frozenset(p.id for p in due)
    for person in due:
        count += anonymise(person, by=by, actor=actor, reason="retention", channel=channel, together=together)
    raw = purge_raw_records(as_of, policy)
    files = purge_delivery_files(as_of, policy)
    if raw or files:
        record("purge", "delivery", None, by=by, actor=None if by is not None else actor, channel=channel,
               detail=f"raw_records={raw},delivery_files={files}")
    lists = purge_legacy_lists(as_of, policy)
    if lists:
        record("purge", "legacy_import", None, by=by, actor=None if by is not None else actor,
               channel=channel, detail=f"legacy_lists={lists}")
    from caseapp.people import namewords

    words = namewords.repair(db.session)  # the search's vocabulary holds exactly the words persons carry
    return {"anonymised": count, "raw_records": raw, "delivery_files": files, "legacy_lists": lists,
            "name_words_repaired": words}


def purge_legacy_lists(as_of: date, policy: Policy) -> int:
    """Uploaded old occupancy lists (the file and every row, with names) go after the raw-record period
    from their upload, applied or not; the persons they created live on under their own periods."""
    from caseapp.shelters.legacy.models import LegacyImport

    cutoff = add_months(as_of, -policy.period("raw_record"))
    old = list(db.session.scalars(select(LegacyImport).where(LegacyImport.uploaded_at < cutoff)))
    for imp in old:
        db.session.delete(imp)
    db.session.flush()
    return len(old)


def _sources() -> list[str]:
    return list(db.session.scalars(select(Source.code)))


def purge_raw_records(as_of: date, policy: Policy) -> int:
    """Rejected raw lines (they hold names) go once their source's raw-record period has passed."""
    deleted = 0
    for code in _sources():
        cutoff = add_months(as_of, -policy.period("raw_record", code))
        old_runs = select(SyncRun.id).where(SyncRun.source_code == code, SyncRun.started_at < cutoff)
        result = db.session.execute(delete(RejectedRecord).where(RejectedRecord.run_id.in_(old_runs)))
        deleted += result.rowcount or 0
    return deleted


def purge_delivery_files(as_of: date, policy: Policy) -> int:
    """Archived delivery files (whole snapshots with every name) are deleted after their period."""
    deleted = 0
    for code in _sources():
        cutoff = as_of - timedelta(days=policy.period("delivery", code))
        for delivery in db.session.scalars(select(Delivery).where(
                Delivery.source_code == code, Delivery.archived_path.is_not(None),
                Delivery.received_at < cutoff)):
            Path(delivery.archived_path).unlink(missing_ok=True)
            delivery.archived_path = None
            deleted += 1
    db.session.flush()
    return deleted


def reapply_erasures(entries: list[journal.Entry], *, actor: str = "restore",
                     channel: str | None = None) -> dict:
    """After a restore: make every journalled erasure true again in this database (idempotent).

    A person row is only anonymised when its fingerprint (id and creation time) matches the journal, so
    a row created after the restore that happens to reuse an id is never touched; it is reported instead.
    """
    result = {"entries": len(entries), "anonymised": 0, "already": 0, "absent": 0, "markers_added": 0,
              "mismatched": []}
    together = frozenset(e.person_id for e in entries)
    for entry in entries:
        for namespace, value in entry.markers:
            result["markers_added"] += add_marker(namespace, value, reason=entry.reason, at=entry.at)
        person = db.session.get(Person, entry.person_id)
        if person is None:
            result["absent"] += 1
        elif person_fingerprint(person) != entry.fingerprint:
            result["mismatched"].append(entry.person_id)
        elif person.anonymised_at is not None:
            result["already"] += 1
        else:
            anonymise(person, actor=actor, reason="reapplied", channel=channel, write_journal=False,
                      together=together)
            result["anonymised"] += 1
    db.session.flush()
    return result



def access_report_pdf(
    person: Person, *, by=None, actor: str | None = None, channel: str | None = None
) -> bytes:
    """The Art. 15 report as PDF; producing it is audited first, so the report lists its own production."""
    record("access_report", "person", person.id, by=by, actor=None if by is not None else (actor or "system"),
           channel=channel, detail="format=pdf")
    who = staff_label(by) if by is not None else actor_label(actor or "system")
    from caseapp.reports.render import render_pdf  # WeasyPrint: imported when a PDF is made, not at start-up

    return render_pdf("privacy/access_report.html", collect(person, generated_by=who, now=_now()))


def record_access_report_view(person: Person, *, by=None, channel: str | None = None) -> None:
    """The report shown on screen instead of as PDF: audited just the same."""
    record("access_report", "person", person.id, by=by, channel=channel, detail="format=html")
