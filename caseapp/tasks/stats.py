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
