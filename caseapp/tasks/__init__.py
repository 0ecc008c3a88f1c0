"""Celery wiring and thin @shared_task wrappers around operations."""
