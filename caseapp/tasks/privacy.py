"""Celery task for privacy: the nightly retention run (anonymise expired cases, purge raw content)."""
from __future__ import annotations

import logging
from datetime import date

from celery import shared_task

from caseapp.extensions import db
from caseapp.privacy.operations import run_retention

log = logging.getLogger(__name__)


@shared_task(name="caseapp.privacy.retention")
def retention_task(as_of: str | None = None) -> dict:
    """Runs the same operation as `caseapp retention run`; one transaction, committed at the end."""
    day = date.fromisoformat(as_of) if as_of else date.today()
    try:
        counts = run_retention(day, actor="retention", channel="task")
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("retention run for %s failed", day)
        raise
    log.info("retention run for %s: %s", day, counts)
    return counts
