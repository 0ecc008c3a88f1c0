"""What Celery beat runs when; each area adds its entries here."""
from __future__ import annotations

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {}

# Reports (issue 7): each committee's report for the previous month, early on the 2nd (after the 1st's syncs).
BEAT_SCHEDULE["reports-monthly"] = {
    "task": "caseapp.reports.monthly",
    "schedule": crontab(minute=30, hour=5, day_of_month=2),
}

# Source syncs (issue 5): look into CASEAPP_INBOX/<source>/ every minute; a sync task per source with files.
BEAT_SCHEDULE["sync-scan-inbox"] = {
    "task": "caseapp.sync.scan",
    "schedule": 60.0,
}

# Retention (issue 8): anonymise expired cases and purge expired raw delivery content, nightly at 02:15.
BEAT_SCHEDULE["privacy-retention-nightly"] = {
    "task": "caseapp.privacy.retention",
    "schedule": crontab(minute=15, hour=2),
}

# Statistics (issue 6): re-base the population cube to the new day (age groups as of today), at 00:05.
BEAT_SCHEDULE["stats-cube-rebase"] = {
    "task": "caseapp.stats.rebase",
    "schedule": crontab(minute=5, hour=0),
}

# Audit trail (issue 4): an anchor of the chain's head outside the database, hourly, so that deleting the
# newest audit rows is noticed by the next `caseapp audit verify` (caseapp/audit/anchors.py).
BEAT_SCHEDULE["audit-anchor-hourly"] = {
    "task": "caseapp.audit.anchor",
    "schedule": crontab(minute=45),
}
