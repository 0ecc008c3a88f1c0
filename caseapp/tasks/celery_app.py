"""Celery bound to the Flask app (Flask's celery_init_app pattern); in-process without REDIS_URL."""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask, appcontext_pushed
from kombu import Queue

# Task modules; each holds thin @shared_task wrappers around operations.
TASK_MODULES = ["caseapp.tasks.sources", "caseapp.tasks.reports", "caseapp.tasks.privacy",
                "caseapp.tasks.stats", "caseapp.tasks.audit"]

# Queues (issue 18): source syncs and committee reports each have their own, so a long report never
# waits in front of a nightly delivery and the other way round; everything else goes to `default`.
# A worker started without -Q consumes all three (the README's single worker); a larger installation
# runs one worker per queue (`-Q sync`, `-Q reports`, `-Q default`, docs/operations.md).
DEFAULT_QUEUE = "default"
QUEUES = ("sync", "reports", DEFAULT_QUEUE)
ROUTES = {"caseapp.sync.*": {"queue": "sync"}, "caseapp.reports.*": {"queue": "reports"}}


def queue_for(task_name: str) -> str:
    """The queue a task of this name is routed to (the same rule as task_routes, for senders outside
    this app such as tests and scripts: a bare Celery client has no routes and would use 'celery')."""
    for pattern, route in ROUTES.items():
        if task_name.startswith(pattern.rstrip("*")):
            return route["queue"]
    return DEFAULT_QUEUE


def celery_init_app(app: Flask) -> Celery:
    from caseapp.tasks.signing import KEY_SETTING, message_key, verify_incoming

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            verify_incoming(self, args, kwargs)  # only messages this app signed
            with app.app_context():
                return self.run(*args, **kwargs)

    redis_url = app.config.get("REDIS_URL")
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(
        {
            "broker_url": redis_url or "memory://",
            "result_backend": redis_url or "cache+memory://",
            # Without a broker the demo runs every task in-process, synchronously.
            "task_always_eager": not redis_url,
            "task_eager_propagates": True,
            # JSON only, and every message signed (tasks/signing.py): a write to the broker runs nothing.
            "accept_content": ["json"],
            "task_serializer": "json",
            "result_serializer": "json",
            "result_accept_content": ["json"],
            KEY_SETTING: message_key(app.config["SECRET_KEY"]),
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "task_queues": [Queue(name) for name in QUEUES],
            "task_default_queue": DEFAULT_QUEUE,
            "task_routes": ROUTES,
            "task_ignore_result": False,
            "timezone": "Europe/Berlin",
            "beat_schedule": beat_schedule(),
            "include": TASK_MODULES,
        }
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app

    # @shared_task resolves to Celery's *current* app. Where one process builds several Flask apps (tests,
    # the restore drill), make the app whose context is active the current one, so a task sent from it
    # goes to its broker (or runs eagerly) and runs against its database.
    def _make_current(sender, **_):
        celery_app.set_current()

    appcontext_pushed.connect(_make_current, app, weak=False)
    return celery_app


def beat_schedule() -> dict:
    from caseapp.tasks.schedule import BEAT_SCHEDULE

    return BEAT_SCHEDULE
