"""Celery task for the audit trail: append an anchor of the chain's head outside the database, hourly."""
from __future__ import annotations

from celery import shared_task

from caseapp.audit.anchors import AnchorRefused, security_log, write_anchor
from caseapp.extensions import db
from caseapp.tasks.locks import single_run


@shared_task(name="caseapp.audit.anchor")
@single_run("audit:anchor", seconds=600)
def anchor_task() -> int | None:
    """Reads only; returns the id of the anchored row (None while the trail is empty)."""
    try:
        anchor = write_anchor(db.session)
    except AnchorRefused as exc:  # never anchor a head that does not extend the last anchor
        security_log.error("hourly audit anchor refused: %s", exc)
        return None
    return anchor.last_id if anchor else None
