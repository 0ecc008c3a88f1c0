"""Real browser (Debian's Chromium via Playwright): the "Berichte" page follows a report job's progress to
"fertig" by polling, under the app's Content-Security-Policy, without being reloaded."""
from __future__ import annotations

import re

import pytest

from tests import live_server as shared
from tests.live_server import login, serve

pytestmark = pytest.mark.browser
browser_page = shared.browser_page  # the fixture, shared with tests/test_browser.py

ANALYST = "berichte@stadt-osnabrueck.de"


def _seed(db):
    """An analyst and one queued job (as if a worker had not picked it up yet); returns its id and the
    engine."""
    from caseapp.reports.models import ReportJob
    from tests.factories import Factory

    Factory(db).user(role="analyst", offices=(), email=ANALYST)
    job = ReportJob(committee="jugendhilfe", period="2026-09", status="queued", progress=0,
                    requested_by_label="cli")
    db.session.add(job)
    db.session.commit()
    return job.id, db.engine


@pytest.fixture(scope="module")
def live_server(pg_server, tmp_path_factory):
    with serve(pg_server, tmp_path_factory, _seed) as running:
        yield running


def _set_job(engine, job_id: int, **values) -> None:
    from sqlalchemy import update

    from caseapp.reports.models import ReportJob

    with engine.begin() as conn:  # committed: what a worker's progress commit does
        conn.execute(update(ReportJob).where(ReportJob.id == job_id).values(**values))


def test_every_script_on_the_reports_page_has_the_nonce_or_a_source(live_server, browser_page):
    base, _ = live_server
    page = browser_page
    login(page, base, ANALYST)
    response = page.goto(f"{base}/admin/reports/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["content-security-policy"])[1]
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", response.text(), flags=re.DOTALL)
    assert scripts
    for attributes, body in scripts:
        if body.strip():  # inline code runs only with this response's nonce
            assert f'nonce="{nonce}"' in attributes, attributes
        else:
            assert "src=" in attributes, attributes
    assert not re.search(r"\son[a-z]+=", response.text().split("<body", 1)[1]), "inline event handler"


def test_progress_and_done_show_up_without_a_reload(live_server, browser_page):
    from playwright.sync_api import expect

    base, (job_id, engine) = live_server
    page = browser_page
    violations = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    login(page, base, ANALYST)
    _set_job(engine, job_id, status="queued", progress=0, step=None)
    page.goto(f"{base}/admin/reports/")
    page.evaluate("window.caseappNotReloaded = true")
    row = page.locator(f'#report-jobs tr[data-job="{job_id}"]')
    assert row.locator(".progress-bar").inner_text() == "0 %"

    _set_job(engine, job_id, status="running", progress=40, step="Tabellen")
    expect(row.locator(".progress-bar")).to_have_text("40 %", timeout=10000)
    assert row.locator(".job-step").inner_text() == "Tabellen"

    checksum = "ab" * 32
    _set_job(engine, job_id, status="done", progress=100, step=None, pages=7, checksum=checksum,
             file_path="/nonexistent/bericht.pdf")
    expect(row).to_have_attribute("data-status", "done", timeout=10000)
    assert row.locator('[data-cell="state"]').inner_text().strip() == "fertig"
    assert row.locator('[data-cell="pages"]').inner_text() == "7"
    assert row.locator('[data-cell="checksum"]').inner_text() == checksum[:12]
    link = row.locator('[data-cell="download"] a')
    assert link.inner_text() == "PDF herunterladen"
    assert link.get_attribute("href") == f"/admin/reports/download/{job_id}"
    assert page.evaluate("window.caseappNotReloaded === true"), "the page was reloaded"
    assert violations == []
