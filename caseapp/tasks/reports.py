"""Celery tasks for committee reports: render one requested report; the monthly run for every committee."""
from __future__ import annotations

import logging
from datetime import date

from celery import shared_task

from caseapp.codelists import ReportStatus
from caseapp.extensions import db
from caseapp.reports.committees import COMMITTEES
from caseapp.reports.models import ReportJob
from caseapp.reports.operations import build_report, fail_report, request_report
from caseapp.reports.periods import previous_month
from caseapp.tasks.locks import single_run

log = logging.getLogger(__name__)


def _publish(job: ReportJob) -> None:
    # Each step is committed so the admin page's polling sees the progress while the worker renders.
    db.session.commit()


def run_job(job_id: int) -> ReportJob:
    """Build one queued job and commit; a failure is recorded on the job (German message), not lost."""
    job = db.session.get(ReportJob, job_id)
    if job is None:
        raise LookupError(f"report job {job_id} does not exist")
    if job.status == ReportStatus.done:
        return job  # a redelivered message must not render (and archive) twice
    try:
        build_report(job, on_progress=_publish)
        db.session.commit()
    except Exception as exc:
        log.exception("report job %s failed", job_id)
        db.session.rollback()
        job = db.session.get(ReportJob, job_id)
        fail_report(job, f"Der Bericht konnte nicht erstellt werden ({type(exc).__name__}: {exc})")
        db.session.commit()
    return job


RENDER = "caseapp.reports.render"


def enqueue_render(job_id: int):
    """Send the render task through this Flask app's own Celery (eager without a broker).

    Not through the shared_task proxy: that follows Celery's process-wide default app, which is the
    last app created in the process, not necessarily the one serving this request.
    """
    from flask import current_app

    return current_app.extensions["celery"].tasks[RENDER].delay(job_id)


@shared_task(name=RENDER, ignore_result=False)
def render_report(job_id: int) -> dict:
    job = run_job(job_id)
    return {"id": job.id, "status": job.status, "checksum": job.checksum, "pages": job.pages}


@shared_task(name="caseapp.reports.monthly")
@single_run("reports:monthly", seconds=4 * 3600)
def monthly_reports(today: str | None = None) -> list[int]:
    """Beat: every committee's report for the last complete month, rendered one after another here.

    In one process the reports share the forecast of the data date (caseapp/forecast/cache.py: the second
    report with a forecast reuses it, 0.18 instead of 0.21 s per page at 45,000 persons); each job is
    requested and committed first, so the admin page shows all three queued and a failure stays on its
    own job while the others are still rendered.
    """
    period = previous_month(date.fromisoformat(today) if today else date.today())
    ids = []
    for slug in COMMITTEES:
        job = request_report(slug, period.code, actor="beat", channel="task")
        db.session.commit()  # each request is kept even if a later one fails
        if not getattr(job, "reused", False):  # one queued or running since today: its starter builds it
            ids.append(job.id)
    for job_id in ids:
        run_job(job_id)
    return ids
