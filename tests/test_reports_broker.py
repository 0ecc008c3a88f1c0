"""The real path: a report job sent through Redis is rendered by a separate Celery worker process."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.broker
def test_worker_process_renders_a_report_sent_through_redis(app, database_url, redis_url, tmp_path):
    from celery import Celery

    from caseapp.extensions import db
    from caseapp.reports.models import ReportJob
    from caseapp.reports.operations import request_report
    from caseapp.tasks.signing import send_signed

    with app.app_context():
        job_id = request_report("feuerwehr-ordnung", f"{date.today():%Y-%m}", actor="cli", channel="cli").id
        db.session.commit()  # for real: the worker reads it over its own connection
    queue = f"reports-test-{uuid.uuid4().hex[:8]}"  # teammates' workers on the same Redis never take it
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "SECRET_KEY": "broker-test-secret-key", "CASEAPP_AUDIT_KEY": "broker-audit-key",
           "CASEAPP_REPORT_DIR": str(tmp_path), "CASEAPP_DEMO": "0"}
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "celery_worker", "worker", "--pool=solo", "-Q",
         queue, "-n", f"{queue}@localhost", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-l", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    client = Celery("broker-test", broker=redis_url, backend=redis_url)
    try:
        # A write to the broker without the app's signature (issue 13, item 12) is refused, unrun.
        client.send_task("caseapp.reports.render", args=[job_id], queue=queue)
        send_signed(client, "caseapp.reports.render", "not-the-secret", args=[job_id], queue=queue)
        result = send_signed(client, "caseapp.reports.render", env["SECRET_KEY"], args=[job_id], queue=queue)
        answer = result.get(timeout=120)
        assert answer["status"] == "done", answer
        with app.app_context():
            job = db.session.get(ReportJob, job_id)
            assert job.status == "done" and job.progress == 100 and job.pages >= 5
            data = Path(job.file_path).read_bytes()
            assert Path(job.file_path).is_relative_to(tmp_path)  # the worker's own archive directory
            assert (
                data.startswith(b"%PDF-")
                and hashlib.sha256(data).hexdigest() == job.checksum == answer["checksum"]
            )
    finally:
        worker.terminate()
        try:
            output = worker.communicate(timeout=20)[0].decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            worker.kill()
            output = ""
        client.close()
        with app.app_context():
            db.session.execute(db.delete(ReportJob).where(ReportJob.id == job_id))
            db.session.commit()
    assert output.count("reject requeue=False: unsigned or altered task message") == 2, output
