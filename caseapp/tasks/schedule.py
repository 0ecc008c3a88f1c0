"""What Celery beat runs when; each area adds its entries here.

Every entry's message expires (`options.expires`, seconds): a worker that was down does not run a stale
order later (yesterday's retention, last hour's anchor); the next slot sends a fresh one. Every task is
also single-run (caseapp/tasks/locks.py), so a beat restart or a slow worker cannot run one twice at once.
"""
from __future__ import annotations

from celery.schedules import crontab

HOUR = 3600
BEAT_SCHEDULE: dict = {}

# Reports (issue 7): each committee's report for the previous month, early on the 2nd (after the 1st's syncs).
BEAT_SCHEDULE["reports-monthly"] = {
    "task": "caseapp.reports.monthly",
    "schedule": crontab(minute=30, hour=5, day_of_month=2),
    "options": {"expires": 6 * HOUR},
}

# Source syncs (issue 5): look into CASEAPP_INBOX/<source>/ every minute; a sync task per source with files.
BEAT_SCHEDULE["sync-scan-inbox"] = {
    "task": "caseapp.sync.scan",
    "schedule": 60.0,
    "options": {"expires": 50},
}

# Retention (issue 8): anonymise expired cases and purge expired raw delivery content, nightly at 02:15.
BEAT_SCHEDULE["privacy-retention-nightly"] = {
    "task": "caseapp.privacy.retention",
    "schedule": crontab(minute=15, hour=2),
    "options": {"expires": 4 * HOUR},
}

# Statistics (issue 6): re-base the population cube to the new day (age groups as of today), at 00:05.
BEAT_SCHEDULE["stats-cube-rebase"] = {
    "task": "caseapp.stats.rebase",
    "schedule": crontab(minute=5, hour=0),
    "options": {"expires": 4 * HOUR},
}

# Statistics: fold the cube changes the person triggers appended (migration 0025) into its cells.
BEAT_SCHEDULE["stats-cube-fold"] = {
    "task": "caseapp.stats.fold",
    "schedule": 300.0,
    "options": {"expires": 240},
}

# Forecast (issue 16): the backtest by horizon that the printed ranges come from, nightly after the re-base.
BEAT_SCHEDULE["forecast-evaluate-nightly"] = {
    "task": "caseapp.forecast.evaluate",
    "schedule": crontab(minute=40, hour=0),
    "options": {"expires": 4 * HOUR},
}

# Audit trail (issue 4): an anchor of the chain's head outside the database, hourly, so that deleting the
# newest audit rows is noticed by the next `caseapp audit verify` (caseapp/audit/anchors.py).
BEAT_SCHEDULE["audit-anchor-hourly"] = {
    "task": "caseapp.audit.anchor",
    "schedule": crontab(minute=45),
    "options": {"expires": 30 * 60},
}
