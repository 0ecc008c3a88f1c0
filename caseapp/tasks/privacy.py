"""Celery task for privacy: the nightly retention run (anonymise expired cases, purge raw content)."""
from __future__ import annotations

import logging
from datetime import date

from celery import shared_task

from caseapp.extensions import db
from caseapp.localtime import local_today
from caseapp.privacy.operations import run_retention
from caseapp.tasks.locks import single_run

log = logging.getLogger(__name__)


@shared_task(name="caseapp.privacy.retention")
@single_run("privacy:retention", seconds=4 * 3600)
def retention_task(as_of: str | None = None, allow_future: bool = False) -> dict:
    """Runs the same operation as `caseapp retention run`; one transaction, committed at the end.

    A day after today is refused (FutureDateRefused, nothing changed) unless `allow_future=True`."""
    day = date.fromisoformat(as_of) if as_of else local_today()
    try:
        counts = run_retention(day, actor="retention", channel="task", allow_future=allow_future is True)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("retention run for %s failed", day)
        raise
    log.info("retention run for %s: %s", day, counts)
    return counts
