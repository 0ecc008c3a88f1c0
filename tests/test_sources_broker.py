"""The scheduled path with a real Redis broker and a real `celery worker` process: inbox -> task ->
import -> archive; a worker killed with SIGKILL in the middle of a run leaves nothing half-written and
the next run completes the delivery."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import psycopg
import pytest

from tests import services
from tests.test_sources_support import csv_bytes, row

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.broker


@pytest.fixture()
def stack(pg_server, redis_url, tmp_path):
    """A migrated throw-away database, a private Redis database number, inbox and archive folders."""
    url, name = services.create_database(pg_server)
    base, _, _ = redis_url.rpartition("/")
    broker = f"{base}/{random.randint(8, 15)}"
    import redis

    redis.Redis.from_url(broker).flushdb()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEAPP_")}
    env.update(DATABASE_URL=url, REDIS_URL=broker, SECRET_KEY="broker-test-secret",
               CASEAPP_AUDIT_KEY="broker-test-audit-key",
               CASEAPP_INBOX=str(tmp_path / "inbox"), CASEAPP_ARCHIVE=str(tmp_path / "archive"),
               CASEAPP_SYNC_LOCK_SECONDS="3")
    done = subprocess.run([str(ROOT / ".venv/bin/caseapp"), "db", "upgrade"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    (tmp_path / "inbox" / "abh").mkdir(parents=True)
    workers: list[subprocess.Popen] = []

    def start_worker() -> subprocess.Popen:
        proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/celery"), "-A", "celery_worker", "worker", "--concurrency=1",
             "--pool=prefork", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--loglevel=WARNING", "-n", f"sync-test-{os.getpid()}@%h"],
            env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        workers.append(proc)
        return proc

    def send_scan():
        from celery import Celery

        # Not made the current app: later in-process tests must keep their own (eager) Celery app.
        from caseapp.tasks.signing import send_signed

        app = Celery(broker=broker, set_as_current=False)
        send_signed(app, "caseapp.sync.scan", env["SECRET_KEY"])  # as beat sends it: signed

    yield {"url": url, "inbox": tmp_path / "inbox" / "abh", "archive": tmp_path / "archive" / "abh",
           "start_worker": start_worker, "send_scan": send_scan}
    for proc in workers:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    services.drop_database(pg_server, name)


def _query(url: str, sql: str):
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def _wait(predicate, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_beat_scan_imports_inbox_in_as_of_order_archives_and_never_twice(stack):
    from caseapp.tasks.schedule import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["sync-scan-inbox"]["task"] == "caseapp.sync.scan"
    inbox, url = stack["inbox"], stack["url"]
    later = csv_bytes([row("T-1", aufenthaltsstatus="AE")])
    (inbox / "ABH_20261031.csv").write_bytes(later)
    (inbox / "ABH_20260930.csv").write_bytes(csv_bytes([row("T-1"), row("T-2")]))
    stack["start_worker"]()
    stack["send_scan"]()
    runs = _wait(lambda: (r := _query(url, "SELECT d.file_name, r.status, r.created, r.updated, r.missing "
                                           "FROM sync_run r JOIN delivery d ON d.id = r.delivery_id "
                                           "WHERE r.status = 'done' ORDER BY r.id")) and len(r) == 2 and r,
                 240, "two runs")
    assert runs == [("ABH_20260930.csv", "done", 2, 0, 0), ("ABH_20261031.csv", "done", 0, 1, 1)]
    # The run is committed "done" first and the file archived right after (a failed commit must leave
    # the file in the inbox), so the inbox empties a moment after the second run shows as done.
    _wait(lambda: not list(inbox.iterdir()), 60, "the inbox to be emptied")
    archived = sorted(p.name for p in stack["archive"].iterdir())
    assert len([n for n in archived if n.endswith(".csv")]) == 2 and any(
        n.endswith(".sha256") for n in archived
    )
    # The same file once more: recognised by its checksum, archived again, not imported again.
    (inbox / "copy_of_ABH_20261031.csv").write_bytes(later)
    stack["send_scan"]()
    _wait(lambda: not list(inbox.iterdir()), 120, "the copy to be archived")
    assert _query(url, "SELECT count(*) FROM sync_run")[0][0] == 2


def test_worker_killed_mid_run_leaves_data_consistent_and_the_next_run_completes(stack):
    inbox, url = stack["inbox"], stack["url"]
    n = 20000
    (inbox / "ABH_20260930.csv").write_bytes(
        csv_bytes([row(f"K-{i}", familienname=f"Name{i}") for i in range(n)])
    )
    worker = stack["start_worker"]()
    stack["send_scan"]()
    _wait(lambda: _query(url, "SELECT 1 FROM sync_run WHERE status = 'running'"), 180, "the run to start")
    time.sleep(1.0)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(30)
    # Nothing of the run was committed: no persons, no source records, the file still waits in the inbox.
    assert _query(url, "SELECT count(*) FROM person")[0][0] == 0
    assert _query(url, "SELECT count(*) FROM source_record")[0][0] == 0
    assert [p.name for p in inbox.iterdir()] == ["ABH_20260930.csv"]
    stack["start_worker"]()

    def finished():
        stack["send_scan"]()
        return _query(url, "SELECT created FROM sync_run WHERE status = 'done'")

    assert _wait(finished, 300, "the next run to complete") == [(n,)]
    assert _query(url, "SELECT count(*) FROM person")[0][0] == n
    assert _query(url, "SELECT status FROM sync_run ORDER BY id") == [("failed",), ("done",)]
