"""Report jobs: who may use the "Berichte" page, request -> progress -> archive -> download, CLI, tasks."""
from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from caseapp.reports.models import ReportJob
from tests.test_reports_helpers import pdf_pages, pdf_text

PERIOD = f"{date.today():%Y-%m}"


def _csrf(client) -> str:
    html = client.get("/admin/reports/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _request(client, committee="jugendhilfe", period=PERIOD):
    return client.post("/admin/reports/request", data={"committee": committee, "period": period,
                                                       "csrf_token": _csrf(client)})


@pytest.mark.parametrize("role", ["caseworker", "shelter_manager", "auditor", None])
def test_other_roles_get_403_everywhere_on_the_reports_page(login_as, db, role):
    job = ReportJob(committee="jugendhilfe", period="2026-09", status="queued", progress=0,
                    requested_by_label="cli")
    db.session.add(job)
    db.session.flush()
    c = login_as(role)
    assert c.get("/admin/reports/").status_code == 403
    assert c.get(f"/admin/reports/status?ids={job.id}").status_code == 403
    assert c.get(f"/admin/reports/download/{job.id}").status_code == 403
    assert c.post(
        "/admin/reports/request", data={"committee": "jugendhilfe", "period": "2026-09"}
    ).status_code in (400, 403)
    assert db.session.scalars(db.select(ReportJob.id)).all() == [job.id]


def test_anonymous_is_sent_to_login(client):
    resp = client.get("/admin/reports/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_analyst_and_admin_request_watch_and_download_a_report(login_as, db, role):
    from caseapp.audit.models import AuditEvent

    c = login_as(role)
    page = c.get("/admin/reports/").get_data(as_text=True)
    assert "Bericht anfordern" in page and "Jugendhilfeausschuss" in page
    resp = _request(c)
    assert resp.status_code == 302
    job = db.session.scalars(db.select(ReportJob).order_by(ReportJob.id.desc())).first()
    # Without a broker the task ran in-process: the job is archived with everything the issue names.
    assert (job.status, job.progress, job.period, job.committee) == ("done", 100, PERIOD, "jugendhilfe")
    assert job.requested_by_id == c.user.id and job.requester == c.user.email
    assert job.data_date == date.today() and job.pages >= 5
    status = c.get(f"/admin/reports/status?ids={job.id}").get_json()["jobs"][0]
    assert status["status"] == "done" and status["progress"] == 100 and status["status_label"] == "fertig"
    listing = c.get("/admin/reports/").get_data(as_text=True)
    assert job.checksum[:12] in listing and "PDF herunterladen" in listing
    pdf = c.get(f"/admin/reports/download/{job.id}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == job.checksum
    assert "Jugendhilfeausschuss" in pdf_text(pdf.data)
    pdf.close()  # the response streams the archived file: close it like a server would
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(
        AuditEvent.object_type == "report_job", AuditEvent.object_id == str(job.id))))
    assert actions == {"request", "download"}


def test_a_bad_period_is_refused_in_german_and_nothing_is_queued(login_as, db):
    c = login_as("analyst")
    resp = _request(c, period="2026-13")
    assert resp.status_code == 302
    assert "Den Monat 13 gibt es nicht" in c.get("/admin/reports/").get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ReportJob)) == 0
    _request(c, committee="finanzen")
    assert "Unbekannter Ausschuss" in c.get("/admin/reports/").get_data(as_text=True)


def test_a_tampered_archive_file_is_not_handed_out(login_as, db):
    c = login_as("analyst")
    _request(c)
    job = db.session.scalars(db.select(ReportJob)).one()
    Path(job.file_path).write_bytes(b"%PDF-1.7 manipuliert")
    resp = c.get(f"/admin/reports/download/{job.id}")
    assert resp.status_code == 302
    assert "Prüfsumme" in c.get("/admin/reports/").get_data(as_text=True)


def test_progress_is_published_step_by_step(app, db):
    from caseapp.reports.operations import build_report, request_report

    job = request_report("schule-sport", PERIOD, actor="cli", channel="cli")
    seen = []
    build_report(job, on_progress=lambda j: seen.append((j.progress, j.step)))
    percents = [p for p, _ in seen]
    assert percents == sorted(percents) and percents[0] < 20 and percents[-1] == 100
    assert len(seen) >= 5 and "PDF wird gesetzt" in [s for _, s in seen]


def test_a_failing_render_marks_the_job_failed_with_a_german_message(app, db, tmp_path, monkeypatch):
    from caseapp.reports.operations import request_report
    from caseapp.tasks.reports import run_job

    blocker = tmp_path / "kein-verzeichnis"
    blocker.write_text("x")  # the archive directory cannot be created below a file
    monkeypatch.setitem(app.config, "CASEAPP_REPORT_DIR", str(blocker))
    job = request_report("jugendhilfe", PERIOD, actor="cli", channel="cli")
    job = run_job(job.id)
    assert job.status == "failed" and job.error.startswith("Der Bericht konnte nicht erstellt werden")
    assert job.checksum is None


def test_cli_writes_a_valid_pdf_and_archives_it(app, db, tmp_path):
    out = tmp_path / "bericht.pdf"
    result = app.test_cli_runner().invoke(
        args=["report", "committee", "feuerwehr-ordnung", "--period", PERIOD, "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and pdf_pages(data) >= 5
    assert "Ausschuss für Feuerwehr und Ordnung" in pdf_text(data)
    job = db.session.scalars(db.select(ReportJob)).one()
    assert job.requested_by_label == "cli" and job.checksum == hashlib.sha256(data).hexdigest()
    assert job.checksum in result.output


def test_cli_refuses_a_bad_period_in_german(app, db, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["report", "committee", "jugendhilfe", "--period", "3/2026", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "kein Berichtszeitraum" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_task_renders_a_queued_job_and_monthly_run_covers_every_committee(app, db):
    from caseapp.reports.committees import COMMITTEES
    from caseapp.reports.operations import request_report
    # The app's own Celery (eager without REDIS_URL), whatever other apps this test process created.
    tasks = app.extensions["celery"].tasks
    render_report, monthly_reports = tasks["caseapp.reports.render"], tasks["caseapp.reports.monthly"]

    job = request_report("jugendhilfe", PERIOD, actor="cli", channel="cli")
    result = render_report.delay(job.id).get(timeout=60)
    db.session.expire_all()  # the task ran in its own app context, i.e. its own session
    assert result["status"] == "done" and result["checksum"] == db.session.get(ReportJob, job.id).checksum
    first = date.today().replace(day=2)
    ids = monthly_reports.delay(first.isoformat()).get(timeout=120)
    db.session.expire_all()
    jobs = [db.session.get(ReportJob, i) for i in ids]
    previous = (first.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert sorted(j.committee for j in jobs) == sorted(COMMITTEES)
    assert {(j.period, j.status, j.requester) for j in jobs} == {(previous, "done", "monatlicher Lauf")}


def test_beat_schedule_has_the_monthly_reports(app):
    entry = app.extensions["celery"].conf.beat_schedule["reports-monthly"]
    assert entry["task"] == "caseapp.reports.monthly"
    assert entry["schedule"].day_of_month == {2}


def test_the_archive_keeps_naming_the_requester_after_the_account_is_deleted(app, db, factory):
    from caseapp.reports.operations import request_report

    user = factory.user(role="analyst", offices=())
    job = request_report("jugendhilfe", PERIOD, by=user)
    email = user.email
    db.session.delete(user)
    db.session.flush()
    db.session.expire_all()
    job = db.session.get(ReportJob, job.id)
    assert job.requested_by_id is None and job.requester == email


def test_requests_use_this_apps_celery_even_after_another_app_was_created(app, login_as, db, database_url):
    """Celery's process-wide default app is the last one created; a report must still go to ours."""
    from tests.conftest import make_app

    other = make_app(database_url, REDIS_URL="redis://127.0.0.1:1/0")  # a broker nobody listens on
    try:
        c = login_as("analyst")
        assert _request(c).status_code == 302
        job = db.session.scalars(db.select(ReportJob)).one()
        assert job.status == "done"
    finally:
        app.extensions["celery"].set_default()
        del other
