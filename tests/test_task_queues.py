"""Task queues (issue 18 item 5): syncs go to `sync`, reports to `reports`, the rest to `default`; a worker
without -Q consumes all three; with a real Redis broker and two worker processes on separate queues, a
sync delivered while the reports worker is busy with long committee reports is imported at once."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psycopg
import pytest

from tests import services
from tests.test_sources_support import csv_bytes, row

ROOT = Path(__file__).resolve().parent.parent


def test_tasks_are_routed_to_their_queues_and_a_plain_worker_consumes_all(app):
    from caseapp.tasks.celery_app import QUEUES, queue_for
    from caseapp.tasks.schedule import BEAT_SCHEDULE

    celery_app = app.extensions["celery"]
    celery_app.loader.import_default_modules()  # the task modules, as a worker imports them at start
    router = celery_app.amqp.router

    def routed(name: str) -> str:
        return router.route({}, name)["queue"].name

    assert set(celery_app.tasks) >= {"caseapp.sync.scan", "caseapp.sync.source", "caseapp.reports.render"}
    for name in celery_app.tasks:
        if not name.startswith("caseapp."):
            continue
        expected = "sync" if name.startswith("caseapp.sync.") else (
            "reports" if name.startswith("caseapp.reports.") else "default")
        assert routed(name) == queue_for(name) == expected, name
    # Beat sends through the app, so its entries follow the same routes.
    assert routed(BEAT_SCHEDULE["reports-monthly"]["task"]) == "reports"
    assert routed(BEAT_SCHEDULE["privacy-retention-nightly"]["task"]) == "default"
    # `celery -A celery_worker worker` without -Q consumes every declared queue (the README's one worker).
    assert set(celery_app.amqp.queues) == set(QUEUES) == {"sync", "reports", "default"}


@pytest.fixture()
def two_workers(pg_server, redis_url, tmp_path):
    """A migrated throw-away database, and a function starting a worker on one queue (killed after)."""
    import redis

    url, name = services.create_database(pg_server)
    client = redis.Redis.from_url(redis_url)
    client.delete("sync", "reports", "default")  # nothing left over from an earlier run
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEAPP_")}
    env.update(DATABASE_URL=url, REDIS_URL=redis_url, SECRET_KEY="queue-test-secret",
               CASEAPP_AUDIT_KEY="queue-test-audit-key", CASEAPP_REPORT_DIR=str(tmp_path / "reports"),
               CASEAPP_INBOX=str(tmp_path / "inbox"), CASEAPP_ARCHIVE=str(tmp_path / "archive"))
    done = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", "from caseapp.cli import main; main()",
                           "db", "upgrade"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    (tmp_path / "inbox" / "abh").mkdir(parents=True)
    workers: list[subprocess.Popen] = []

    def start(queue: str) -> None:
        workers.append(subprocess.Popen(
            [str(ROOT / ".venv/bin/celery"), "-A", "celery_worker", "worker", "-Q", queue, "--pool=solo",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
             "-n", f"{queue}-test-{os.getpid()}@%h"],
            env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    yield {"url": url, "env": env, "inbox": tmp_path / "inbox" / "abh", "start": start}
    for proc in workers:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
    client.delete("sync", "reports", "default")
    client.close()
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
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.broker
def test_a_sync_is_not_delayed_by_long_reports_on_the_other_queue(two_workers, redis_url):
    import redis
    from celery import Celery

    from caseapp.tasks.signing import send_signed

    url, secret = two_workers["url"], two_workers["env"]["SECRET_KEY"]
    two_workers["start"]("reports")
    two_workers["start"]("sync")
    # Not made the current app: later in-process tests keep their own (eager) Celery app.
    client = Celery("queue-test", broker=redis_url, backend=redis_url, set_as_current=False)
    try:
        # The sync worker answers (a scan of the empty inbox).
        assert send_signed(client, "caseapp.sync.scan", secret).get(timeout=120) == []
        # Long work for the reports worker: the monthly run (three committee reports) for three months,
        # queued one after another on `reports`, nine reports in all.
        for month in ("2026-07-02", "2026-08-02", "2026-09-02"):
            send_signed(client, "caseapp.reports.monthly", secret, args=[month])
        _wait(lambda: _query(url, "SELECT 1 FROM report_job WHERE status = 'running'"), 120,
              "the first report to be rendered")
        # Now a delivery arrives and beat's scan is sent: it goes to `sync`, whose worker is idle.
        two_workers["inbox"].joinpath("ABH_20260930.csv").write_bytes(csv_bytes([row("Q-1"), row("Q-2")]))
        sent = time.monotonic()
        send_signed(client, "caseapp.sync.scan", secret)
        _wait(lambda: _query(url, "SELECT 1 FROM sync_run WHERE status = 'done'"), 120, "the sync to finish")
        waited = time.monotonic() - sent
        reports = dict(_query(url, "SELECT status, count(*) FROM report_job GROUP BY status"))
        waiting = redis.Redis.from_url(redis_url).llen("reports")  # monthly runs not started yet
        # The sync was done while the reports worker was still busy with the reports sent before it.
        assert reports.get("done", 0) < 9, (reports, waited)
        assert reports.get("running", 0) + reports.get("queued", 0) + waiting >= 1, (reports, waiting, waited)
        assert _query(url, "SELECT count(*) FROM person")[0][0] == 2
        assert waited < 60, waited
    finally:
        client.close()
