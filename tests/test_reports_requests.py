"""Report requests: the same committee and period asked for again while queued or running reuses that job;
a user may have only CASEAPP_REPORT_QUOTA reports in work at once."""
from __future__ import annotations

import pytest

from caseapp.reports.models import ReportJob
from caseapp.reports.operations import ReportQuotaExceeded, fail_report, request_report


def test_a_second_request_while_queued_reuses_the_job(app, db, factory):
    first, second = factory.user("analyst"), factory.user("analyst")
    job = request_report("jugendhilfe", "2026-09", by=first)
    again = request_report("jugendhilfe", "2026-09", by=second)
    assert again.id == job.id and again.reused
    assert db.session.scalar(db.select(db.func.count()).select_from(ReportJob)) == 1
    fail_report(job, "Testabbruch")
    db.session.flush()
    fresh = request_report("jugendhilfe", "2026-09", by=second)
    assert fresh.id != job.id and not fresh.reused


def test_a_user_has_at_most_the_quota_in_work(app, db, factory, monkeypatch):
    monkeypatch.setitem(app.config, "CASEAPP_REPORT_QUOTA", 2)
    user = factory.user("analyst")
    request_report("jugendhilfe", "2026-07", by=user)
    request_report("jugendhilfe", "2026-08", by=user)
    with pytest.raises(ReportQuotaExceeded, match="bereits 2 Berichte in Arbeit"):
        request_report("jugendhilfe", "2026-09", by=user)
    assert request_report("jugendhilfe", "2026-09", by=factory.user("analyst")).id  # others may


def test_the_admin_page_says_the_report_is_already_being_built(app, db, factory, login_as, monkeypatch):
    from caseapp.admin.reports import ReportsView

    monkeypatch.setattr(ReportsView, "_enqueue", staticmethod(lambda job_id: None))
    request_report("jugendhilfe", "2026-09", by=factory.user("analyst"))
    c = login_as("analyst")
    page = c.get("/admin/reports/").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    resp = c.post("/admin/reports/request", data={"committee": "jugendhilfe", "period": "2026-09",
                                                  "csrf_token": token}, follow_redirects=True)
    assert "wird bereits erstellt" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ReportJob)) == 1
