"""What Celery beat runs when; each area adds its entries here."""
from __future__ import annotations

from celery.schedules import crontab  # noqa: F401

BEAT_SCHEDULE: dict = {}
