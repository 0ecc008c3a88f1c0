"""Scheduled tasks run once at a time and their queued messages expire (real Redis, a real worker)."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from caseapp.tasks.locks import task_lock
from caseapp.tasks.schedule import BEAT_SCHEDULE

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def with_redis(app, redis_url):
    """The app's tasks lock in Redis, under a namespace of this test only (teammates share the Redis)."""
    saved = {k: app.config.get(k) for k in ("REDIS_URL", "CASEAPP_LOCK_NAMESPACE")}
    app.config.update(REDIS_URL=redis_url, CASEAPP_LOCK_NAMESPACE=f"test-{uuid.uuid4().hex[:8]}")
    yield app
    app.config.update(saved)


def _tasks():
    from caseapp.tasks.audit import anchor_task
    from caseapp.tasks.privacy import retention_task
    from caseapp.tasks.reports import monthly_reports
    from caseapp.tasks.sources import scan_inbox
    from caseapp.tasks.stats import rebase_task

    return [("privacy:retention", retention_task), ("stats:rebase", rebase_task),
            ("audit:anchor", anchor_task), ("reports:monthly", monthly_reports), ("sync:scan", scan_inbox)]


@pytest.mark.parametrize("index", range(5))
def test_a_second_run_while_the_first_holds_the_lock_skips_and_says_so(db, with_redis, caplog, index):
    name, task = _tasks()[index]
    with task_lock(name, 60) as held:  # the first run, still working
        assert held not in (None, True)  # a real Redis lock
        with caplog.at_level(logging.WARNING, logger="caseapp.tasks.locks"):
            answer = task.run()
    said = f"{name}: ein Lauf dieser Aufgabe läuft bereits, dieser Lauf wird übersprungen"
    assert answer == {"skipped": said}
    assert answer["skipped"] in caplog.text


def test_the_lock_is_free_again_after_a_run_and_held_by_only_one(db, with_redis):
    with task_lock("audit:anchor", 60) as first, task_lock("audit:anchor", 60) as second:
        assert first is not None and second is None
    with task_lock("audit:anchor", 60) as again:
        assert again is not None


def test_in_process_without_redis_the_second_run_skips_too(db, app):
    from caseapp.tasks.privacy import retention_task

    assert not app.config.get("REDIS_URL")
    with task_lock("privacy:retention", 60) as held:
        assert held is True
        assert "skipped" in retention_task.run()
    assert "skipped" not in retention_task.run()  # free again: the run happens


def test_every_beat_entry_expires_before_its_next_slot():
    for name, entry in BEAT_SCHEDULE.items():
        expires = entry.get("options", {}).get("expires")
        assert expires, f"{name} has no expiry"
        period = entry["schedule"] if isinstance(entry["schedule"], float) else 3600
        assert 0 < expires < max(period, 3600) * 24, name


@pytest.mark.broker
def test_an_expired_message_is_not_run_by_the_worker(app, database_url, redis_url, tmp_path):
    """A retention order that waited past its expiry (a worker down overnight) is dropped, not run late."""
    from celery import Celery
    from celery.exceptions import TaskRevokedError

    from caseapp.tasks.signing import send_signed

    queue = f"locks-test-{uuid.uuid4().hex[:8]}"  # teammates' workers on the same Redis never take it
    client = Celery("locks-test", broker=redis_url, backend=redis_url)
    secret = "locks-test-secret-key"  # the worker runs only messages signed with its key (tasks/signing.py)
    stale = send_signed(client, "caseapp.privacy.retention", secret, queue=queue, expires=1)
    fresh = send_signed(client, "caseapp.audit.anchor", secret, queue=queue)  # the worker read the queue
    time.sleep(2)  # the retention order is now older than its expiry; no worker has seen it
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "SECRET_KEY": secret, "CASEAPP_DEMO": "0",
           "CASEAPP_AUDIT_KEY": app.config["CASEAPP_AUDIT_KEY"],
           "CASEAPP_LOCK_NAMESPACE": queue, "CASEAPP_AUDIT_ANCHOR_FILE": str(tmp_path / "anchors.jsonl")}
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "celery_worker", "worker", "--pool=solo", "-Q",
         queue, "-n", f"{queue}@localhost", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        fresh.get(timeout=120)  # the worker is up and has taken both messages in order
        with pytest.raises(TaskRevokedError):
            stale.get(timeout=30)
        assert stale.state == "REVOKED"
    finally:
        worker.terminate()
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        print(worker.stdout.read().decode(errors="replace")[-3000:])  # shown when the test fails
        worker.stdout.close()
        client.close()
    with app.app_context():
        from sqlalchemy import func, select

        from caseapp.audit.models import AuditEvent
        from caseapp.extensions import db

        runs = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action.in_(("anonymise", "purge"))))
        assert runs == 0
