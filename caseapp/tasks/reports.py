"""Celery tasks for reports."""
