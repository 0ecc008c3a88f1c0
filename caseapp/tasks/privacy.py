"""Celery tasks for privacy."""
