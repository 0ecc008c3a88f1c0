"""The only writers of report jobs: request a report, build and archive it, mark a failure."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from flask import current_app

from caseapp.audit.operations import record
from caseapp.codelists import ReportStatus
from caseapp.extensions import db
from caseapp.reports.committees import get_committee
from caseapp.reports.compose import compose
from caseapp.reports.models import ReportJob
from caseapp.reports.periods import check_not_future, parse_period
from caseapp.reports.render import render_document

Progress = Callable[[ReportJob], None]


class ArchiveError(RuntimeError):
    pass


class ReportQuotaExceeded(ValueError):
    """A user asked for more reports at once than CASEAPP_REPORT_QUOTA allows (German message)."""


ACTIVE = ("queued", "running")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def request_report(committee: str, period: str, *, by=None, actor: str | None = None,
                   channel: str = "admin", today: date | None = None) -> ReportJob:
    """A queued job; raises UnknownCommittee / PeriodError (German messages) on bad input."""
    if by is None and not actor:
        raise ValueError("request_report needs by= (a user) or actor= (e.g. 'beat')")
    target = get_committee(committee)
    parsed = parse_period(period)
    day = today or date.today()
    check_not_future(parsed, day)
    # The same committee and period queued or running since today reads the same data: reuse that job.
    same = db.session.scalars(db.select(ReportJob).where(
        ReportJob.committee == target.slug, ReportJob.period == parsed.code, ReportJob.status.in_(ACTIVE),
        ReportJob.requested_at >= datetime.combine(day, datetime.min.time())).order_by(ReportJob.id)).first()
    if same is not None:
        same.reused = True
        return same
    user_id = getattr(by, "id", None)
    quota = int(current_app.config.get("CASEAPP_REPORT_QUOTA", 3))
    if user_id is not None:
        active = db.session.scalar(db.select(db.func.count()).select_from(ReportJob).where(
            ReportJob.requested_by_id == user_id, ReportJob.status.in_(ACTIVE)))
        if active >= quota:
            raise ReportQuotaExceeded(
                f"Sie haben bereits {active} Berichte in Arbeit (höchstens {quota} gleichzeitig). "
                "Bitte warten, bis einer fertig ist.")
    job = ReportJob(committee=target.slug, period=parsed.code, status="queued", progress=0,
                    step="Wartet auf die Erstellung", requested_by_id=getattr(by, "id", None),
                    requested_by_label=getattr(by, "email", None) if by is not None else actor)
    job.reused = False
    db.session.add(job)
    db.session.flush()
    record("request", "report_job", job.id, by=by, actor=actor, channel=channel,
           detail=f"{target.slug} {parsed.code}")
    return job


def _step(job: ReportJob, percent: int, text: str, on_progress: Progress | None) -> None:
    job.progress, job.step = percent, text
    db.session.flush()
    if on_progress is not None:
        on_progress(job)


def build_report(
    job: ReportJob, *, on_progress: Progress | None = None, today: date | None = None
) -> ReportJob:
    """Query, render and archive one report; on_progress(job) lets the caller publish each step."""
    committee, period = get_committee(job.committee), parse_period(job.period)
    job.status, job.started_at, job.error = "running", _now(), None
    data_date = period.data_date(today or date.today())
    job.data_date = data_date
    _step(job, 5, "Zahlen werden ermittelt", on_progress)

    def content_progress(fraction: float, text: str) -> None:
        _step(job, 5 + int(fraction * 60), text, on_progress)

    context = compose(committee, period, data_date, progress=content_progress)
    _step(job, 70, "PDF wird gesetzt", on_progress)
    rendered = render_document("reports/committee.html", context)
    _step(job, 95, "Bericht wird archiviert", on_progress)
    path = archive_path(job)
    _write_atomically(path, rendered.data)
    job.file_path, job.size_bytes, job.pages = str(path), len(rendered.data), rendered.pages
    job.checksum = hashlib.sha256(rendered.data).hexdigest()
    job.status, job.finished_at = "done", _now()
    _step(job, 100, "Fertig", on_progress)
    return job


def fail_report(job: ReportJob, message: str) -> ReportJob:
    job.status, job.finished_at = "failed", _now()
    job.error = (message or "Unbekannter Fehler")[:500]
    job.step = "Fehlgeschlagen"
    db.session.flush()
    return job


def archive_path(job: ReportJob) -> Path:
    root = Path(current_app.config["CASEAPP_REPORT_DIR"])
    return root / job.committee / job.period / f"{job.committee}_{job.period}_{job.id:06d}.pdf"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def archived_file(job: ReportJob, *, by=None, channel: str = "admin") -> Path:
    """The archived PDF after checking its checksum; the download is audited."""
    if job.status != ReportStatus.done or not job.file_path:
        raise ArchiveError("Der Bericht ist noch nicht fertig.")
    path = Path(job.file_path)
    if not path.is_file():
        raise ArchiveError("Die archivierte Datei fehlt.")
    if hashlib.sha256(path.read_bytes()).hexdigest() != job.checksum:
        raise ArchiveError("Die archivierte Datei stimmt nicht mehr mit ihrer Prüfsumme überein.")
    record("download", "report_job", job.id, by=by, channel=channel, detail=f"{job.committee} {job.period}")
    return path
