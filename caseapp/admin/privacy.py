"""Admin pages "Datenschutz": the Art. 15 access report (auditors only) and the Art. 30 record (read-only)."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_security import current_user

from caseapp.admin.base import SecureBaseView
from caseapp.auth.roles import ADMIN, AUDITOR, READ_AUDIT
from caseapp.extensions import db
from caseapp.fieldrules import digits
from caseapp.localtime import local_today
from caseapp.people.models import Person
from caseapp.privacy import record as processing_record
from caseapp.privacy.access_info import staff_label
from caseapp.privacy.access_report import collect
from caseapp.privacy.operations import access_report_pdf, record_access_report_view
from caseapp.privacy.retention import Policy


def _person_from_form() -> Person | None:
    raw = (request.form.get("person_id") or "").strip()
    person = db.session.get(Person, int(raw)) if digits(raw) else None
    if person is None:
        flash(_("There is no person no. “%(value)s”.", value=raw), "error")
    return person


class AccessReportView(SecureBaseView):
    # interfaces.md: only auditors may request the data-subject access report.
    allowed_roles = READ_AUDIT

    @expose("/")
    def index(self):
        return self.render("admin/privacy/access.html", report=None)

    @expose("/search", methods=("POST",))
    def search(self):
        """Find the data subject by name and birth date (POST: names stay out of URLs and access logs).
        Audited with the numbers of the persons shown, never the name searched for."""
        from caseapp.audit.operations import record
        from caseapp.privacy.lookup import LookupInputError, find_persons

        name, birth = request.form.get("name", ""), request.form.get("birth", "")
        try:
            hits = find_persons(name, birth)
        except LookupInputError as exc:
            flash(str(exc), "error")
            return self.render(
                "admin/privacy/access.html", report=None, hits=None, form={"name": name, "birth": birth}
            )
        ids = ",".join(str(h.id) for h in hits)
        record("search", "person", None, by=current_user, channel="admin", detail=f"hits={len(hits)} "
                                                                                  f"ids={ids}"[:200])
        db.session.commit()
        return self.render(
            "admin/privacy/access.html", report=None, hits=hits, form={"name": name, "birth": birth}
        )

    @expose("/show", methods=("POST",))
    def show(self):
        # POST, not GET: producing the report is audited, and a link must never write.
        person = _person_from_form()
        if person is None:
            return redirect(url_for(".index"))
        record_access_report_view(person, by=current_user, channel="admin")
        db.session.commit()
        report = collect(person, generated_by=staff_label(current_user), now=_utc_now())
        return self.render("admin/privacy/access.html", report=report)

    @expose("/pdf", methods=("POST",))
    def pdf(self):
        person = _person_from_form()
        if person is None:
            return redirect(url_for(".index"))
        data = access_report_pdf(person, by=current_user, channel="admin")
        db.session.commit()
        name = f"auskunft-art15-person-{person.id}-{local_today():%Y%m%d}.pdf"
        return Response(data, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


class ProcessingRecordView(SecureBaseView):
    # The record names no person: administrators and auditors (the DPO's role) may read it.
    allowed_roles = frozenset({ADMIN, AUDITOR})

    @expose("/")
    def index(self):
        record = processing_record.load()
        missing = processing_record.missing_entries(db.metadata, record)
        policy = Policy.from_config(current_app.config)
        return self.render(
            "admin/privacy/record.html", record=record, missing=missing, policy=policy.describe()
        )


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def register(admin) -> None:
    """Adds this area's views to the admin."""
    admin.add_view(AccessReportView(name=_l("Access report (Art. 15)"), category=_l("Data protection"),
                                    endpoint="privacy_access", url="/admin/privacy/access"))
    admin.add_view(ProcessingRecordView(name=_l("Record of processing (Art. 30)"),
                                        category=_l("Data protection"), endpoint="privacy_record",
                                        url="/admin/privacy/record"))
