"""Celery task for the statistics: re-base the population cube to today, once a day after midnight."""
from __future__ import annotations

import logging

from celery import shared_task

from caseapp.extensions import db
from caseapp.stats import agegroups, cube
from caseapp.stats.queries import today
from caseapp.tasks.locks import single_run

log = logging.getLogger(__name__)


@shared_task(name="caseapp.stats.rebase")
@single_run("stats:rebase", seconds=2 * 3600)
def rebase_task() -> str | None:
    """Re-build the cube for today's age groups (PostgreSQL only); one transaction, committed at the end."""
    if not cube.available():
        return None
    day = today()
    try:
        cube.rebase(day, agegroups.configured_groups())
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("stats cube re-base for %s failed", day)
        raise
    return day.isoformat()


@shared_task(name="caseapp.stats.fold")
@single_run("stats:fold", seconds=600)
def fold_task() -> int | None:
    """Move the cube changes the person triggers appended into the cells (migration 0025), so the reads
    add up few rows; every few minutes. Waits only for a re-base, never for a writer."""
    if not cube.available():
        return None
    try:
        moved = cube.fold()
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("stats cube fold failed")
        raise
    return moved


@shared_task(name="caseapp.forecast.evaluate")
@single_run("forecast:evaluate", seconds=2 * 3600)
def forecast_evaluate_task() -> str | None:
    """Store the forecast's backtest by horizon and actual series for today (caseapp/forecast/evaluation.py);
    one transaction, committed at the end, nothing stored when it fails."""
    from caseapp.forecast import evaluation

    try:
        row = evaluation.store(today())
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("forecast evaluation failed")
        raise
    return row.as_of.isoformat()
