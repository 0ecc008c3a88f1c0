"""Celery tasks for sync."""
