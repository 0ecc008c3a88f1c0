"""One run at a time for every scheduled job: a second run while the first still works skips and says so.

With REDIS_URL the lock is a Redis lock (it also keeps workers on other machines apart) that expires after
its lifetime, so a killed worker cannot block the job for ever; a long run renews it (`lock.reacquire()`).
Without Redis (the demo, tests) tasks run in-process, and a per-name thread lock does the same job.
"""
from __future__ import annotations

import functools
import logging
import threading
from contextlib import contextmanager

from flask import current_app

log = logging.getLogger(__name__)

_local_locks: dict[str, threading.Lock] = {}
_local_guard = threading.Lock()


def _key(name: str) -> str:
    # Tests on a shared Redis set their own namespace, so they never hold a lock of a real worker.
    return f"{current_app.config.get('CASEAPP_LOCK_NAMESPACE') or 'caseapp'}:{name}"


@contextmanager
def task_lock(name: str, seconds: int):
    """Yields the held lock (a Redis lock, or True in-process), or None when another run holds it."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        with _local_guard:
            local = _local_locks.setdefault(name, threading.Lock())
        if not local.acquire(blocking=False):
            yield None
            return
        try:
            yield True
        finally:
            local.release()
        return
    import redis

    lock = redis.Redis.from_url(url).lock(_key(name), timeout=seconds, blocking=False)
    if not lock.acquire():
        yield None
        return
    try:
        yield lock
    finally:
        try:
            lock.release()
        except redis.exceptions.LockError:
            log.warning("lock %s had expired before release", name)


def skipped(name: str) -> dict:
    """What a skipped run returns (and logs): German, for the worker log and the result backend."""
    message = f"{name}: ein Lauf dieser Aufgabe läuft bereits, dieser Lauf wird übersprungen"
    log.warning(message)
    return {"skipped": message}


def single_run(name: str, seconds: int):
    """Decorator for a task body: it runs under task_lock(name); a concurrent second run skips."""

    def wrap(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            with task_lock(name, seconds) as lock:
                if lock is None:
                    return skipped(name)
                return func(*args, **kwargs)

        return run

    return wrap
