"""Admin page "Berichte": request a committee report, watch its progress, download the archived PDF."""
from __future__ import annotations

import logging

from flask import flash, jsonify, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_security import current_user

from caseapp.admin.base import SecureBaseView
from caseapp.auth.roles import ADMIN, ANALYST
from caseapp.codelists import ReportStatus
from caseapp.extensions import db
from caseapp.fieldrules import digits
from caseapp.reports.committees import COMMITTEES, UnknownCommittee
from caseapp.reports.models import ReportJob
from caseapp.reports.operations import ArchiveError, ReportQuotaExceeded, archived_file, request_report
from caseapp.reports.periods import PeriodError, previous_month

log = logging.getLogger(__name__)
# What a person reads for codelists.ReportStatus (its German labels are in the catalog too).
STATUS_LABELS = {ReportStatus.queued: _l("waiting"), ReportStatus.running: _l("being created"),
                 ReportStatus.done: _l("ready"), ReportStatus.failed: _l("failed")}


def status_label(job: ReportJob) -> str:
    return str(STATUS_LABELS.get(job.status, job.status_label))


def _job_json(job: ReportJob) -> dict:
    # Everything the page's poller needs to show a finished job without reloading.
    return {"id": job.id, "status": job.status, "status_label": status_label(job), "progress": job.progress,
            "step": job.step or "", "error": job.error or "", "pages": job.pages,
            "checksum": job.checksum or "",
            "download_url": url_for(".download", job_id=job.id) if job.status == ReportStatus.done else None}


class ReportsView(SecureBaseView):
    # Analysts read aggregates (interfaces.md); admins run the city's reporting. Nobody else.
    allowed_roles = frozenset({ANALYST, ADMIN})

    @expose("/")
    def index(self):
        from datetime import date

        jobs = db.session.scalars(db.select(ReportJob).order_by(ReportJob.id.desc()).limit(50)).all()
        return self.render("admin/reports/index.html", jobs=jobs, committees=COMMITTEES.values(),
                           committees_by_slug=COMMITTEES, status_label=status_label,
                           default_period=previous_month(date.today()).code)

    @expose("/request", methods=("POST",))
    def request_view(self):
        # SecureBaseView has already checked the CSRF token of this POST.
        committee, period = request.form.get("committee", ""), request.form.get("period", "")
        try:
            job = request_report(committee, period, by=current_user, channel="admin")
        except (UnknownCommittee, PeriodError, ReportQuotaExceeded) as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for(".index"))
        db.session.commit()
        if job.reused:
            flash(_("Report “%(committee)s” for %(period)s is already being created (job %(id)s); it was not "
                    "requested a second time.", committee=COMMITTEES[job.committee].name, period=job.period,
                    id=job.id), "info")
            return redirect(url_for(".index"))
        self._enqueue(job.id)
        flash(_("Report “%(committee)s” for %(period)s was requested.",
                committee=COMMITTEES[job.committee].name, period=job.period), "success")
        return redirect(url_for(".index"))

    @staticmethod
    def _enqueue(job_id: int) -> None:
        from caseapp.tasks.reports import enqueue_render

        try:
            enqueue_render(job_id)
        except Exception:
            log.exception("could not enqueue report job %s", job_id)
            flash(_("The job is saved but could not be handed to the background processing. Please try again "
                    "later."), "error")

    @expose("/status")
    def status(self):
        ids = [int(x) for x in request.args.get("ids", "").split(",") if digits(x.strip())][:100]
        jobs = db.session.scalars(db.select(ReportJob).where(ReportJob.id.in_(ids))).all() if ids else []
        return jsonify(jobs=[_job_json(j) for j in jobs])

    @expose("/download/<int:job_id>")
    def download(self, job_id: int):
        job = db.session.get(ReportJob, job_id)
        if job is None:
            return self._not_found()
        try:
            path = archived_file(job, by=current_user, channel="admin")
        except ArchiveError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for(".index"))
        db.session.commit()
        return send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=f"Bericht_{job.committee}_{job.period}.pdf")

    @staticmethod
    def _not_found():
        from flask import abort

        abort(404)


def register(admin) -> None:
    """Adds this area's views to the admin."""
    admin.add_view(ReportsView(name=_l("Reports"), endpoint="reports", url="/admin/reports"))
