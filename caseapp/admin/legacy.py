"""Importing the shelters' old Excel occupancy lists: upload -> preview (a dry run) -> apply -> review.

Shelter managers only (they kept these lists; caseworkers, analysts, auditors, data stewards and admins
get 403: tests/test_legacy_import.py). Upload, apply and every resolved row are audited; the preview
writes a read row for the known persons it shows. The mapping itself: caseapp/shelters/legacy/.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_security import current_user
from sqlalchemy import select

from caseapp.admin.base import SecureBaseView
from caseapp.audit.operations import record
from caseapp.audit.reads import audit_read
from caseapp.auth.roles import SHELTER_MANAGER
from caseapp.codelists import AuditAction, LegacyOutcome, ResidenceStatus, ShelterState
from caseapp.extensions import db
from caseapp.offices.models import Office
from caseapp.shelters.legacy import importer
from caseapp.shelters.legacy.models import LegacyImport, LegacyRowRecord
from caseapp.shelters.legacy.sheet import WorkbookRejected
from caseapp.shelters.models import Shelter

MAX_BYTES = 5_000_000  # an occupancy list is a few dozen kilobytes


class LegacyImportView(SecureBaseView):
    allowed_roles = frozenset({SHELTER_MANAGER})

    def _form_choices(self) -> dict:
        stmt = select(Shelter).where(Shelter.state == ShelterState.open).order_by(Shelter.name)
        shelters = db.session.scalars(stmt).all()
        offices = db.session.scalars(select(Office).order_by(Office.code)).all()
        return {"shelters": shelters, "offices": offices, "statuses": list(ResidenceStatus)}

    @expose("/")
    def index(self):
        imports = db.session.scalars(select(LegacyImport).order_by(LegacyImport.id.desc()).limit(50)).all()
        open_rows = db.session.scalar(select(db.func.count()).select_from(LegacyRowRecord).where(
            LegacyRowRecord.outcome == LegacyOutcome.unmapped, LegacyRowRecord.resolved_at.is_(None)))
        return self.render("admin/shelters/legacy_index.html", imports=imports, open_rows=open_rows,
                           page_title=_("Import old occupancy lists"), **self._form_choices())

    @expose("/upload/", methods=("POST",))
    def upload(self):
        file = request.files.get("file")
        data = file.read(MAX_BYTES + 1) if file else b""
        errors = []
        if not file or not file.filename:
            errors.append(_("Choose an Excel file (.xlsx)."))
        elif not file.filename.lower().endswith(".xlsx"):
            errors.append(_("Only Excel workbooks (.xlsx) can be imported; save an .xls or .ods list as "
                            ".xlsx."))
        elif len(data) > MAX_BYTES:
            errors.append(_("The file is larger than 5 MB; an occupancy list is much smaller."))
        elif not data:
            errors.append(_("The file is empty."))
        choices = self._form_choices()
        shelter_id = request.form.get("shelter_id", type=int)
        if shelter_id and shelter_id not in {s.id for s in choices["shelters"]}:
            errors.append(_("Choose an open shelter."))
        office = request.form.get("office_code") or "int"
        if office not in {o.code for o in choices["offices"]}:
            errors.append(_("Choose an office."))
        status = request.form.get("residence_status") or ResidenceStatus.GESTATTUNG.value
        if status not in {s.value for s in choices["statuses"]}:
            errors.append(_("Choose a residence status."))
        if errors:
            for e in errors:
                flash(e, "error")
            return redirect(url_for(".index"))
        digest = importer.checksum(data)
        done = importer.applied_before(digest)
        if done is not None:
            flash(_("This file was already imported (import no. %(id)s); nothing was changed.", id=done.id),
                  "error")
            return redirect(url_for(".preview", import_id=done.id))
        imp = LegacyImport(file_name=file.filename[-255:], sha256=digest, data=data,
                           shelter_id=shelter_id or None,
                           office_code=office, residence_status=status, uploaded_by_id=current_user.id)
        db.session.add(imp)
        db.session.flush()
        record(AuditAction.legacy_upload, "legacy_import", imp.id, by=current_user, channel="admin",
               detail=f"bytes={len(data)}")
        db.session.commit()
        return redirect(url_for(".preview", import_id=imp.id))

    def _get(self, import_id: int) -> LegacyImport:
        imp = db.session.get(LegacyImport, import_id)
        if imp is None:
            abort(404)
        return imp

    def _run(self, imp: LegacyImport, *, apply: bool):
        """The preview or the apply; None (the reason flashed, nothing changed) for an unreadable file."""
        try:
            return importer.run(imp, by=current_user, apply=apply)
        except WorkbookRejected as exc:
            db.session.rollback()
            flash(_("The file cannot be imported: %(why)s", why=str(exc)), "error")
            return None

    @expose("/<int:import_id>/")
    def preview(self, import_id: int):
        imp = self._get(import_id)
        if imp.applied_at is not None:
            rows = imp.rows
            audit_read("person", [r.person_id for r in rows if r.person_id], by=current_user, channel="admin",
                       what="legacy_import")
            return self.render("admin/shelters/legacy_result.html", imp=imp, rows=rows,
                               outcomes=LegacyOutcome, page_title=_("Import no. %(id)s", id=imp.id))
        result = self._run(imp, apply=False)
        if result is None:
            return redirect(url_for(".index"))
        audit_read("person", [r.person_id for r in result.rows if r.outcome == LegacyOutcome.existing],
                   by=current_user, channel="admin", what="legacy_preview")
        return self.render("admin/shelters/legacy_preview.html", imp=imp, result=result,
                           outcomes=LegacyOutcome,
                           page_title=_("Preview of import no. %(id)s", id=imp.id))

    @expose("/<int:import_id>/apply/", methods=("POST",))
    def apply(self, import_id: int):
        imp = db.session.scalar(select(LegacyImport).where(LegacyImport.id == import_id).with_for_update())
        if imp is None:
            abort(404)
        if imp.applied_at is not None or importer.applied_before(imp.sha256) is not None:
            flash(_("This list was already imported; nothing was changed."), "error")
            return redirect(url_for(".preview", import_id=import_id))
        result = self._run(imp, apply=True)
        if result is None:
            return redirect(url_for(".index"))
        s = result.summary()
        flash(_("Imported: %(new)s new persons and %(existing)s known persons moved in, %(already)s already "
                "recorded, %(unmapped)s rows kept for review.", **s), "success")
        return redirect(url_for(".preview", import_id=import_id))

    @expose("/offen/")
    def open_rows(self):
        rows = db.session.scalars(select(LegacyRowRecord).where(
            LegacyRowRecord.outcome == LegacyOutcome.unmapped, LegacyRowRecord.resolved_at.is_(None))
            .order_by(LegacyRowRecord.import_id, LegacyRowRecord.id)).all()
        return self.render("admin/shelters/legacy_open.html", rows=rows,
                           page_title=_("Rows of old lists to review"))

    @expose("/zeile/<int:row_id>/erledigt/", methods=("POST",))
    def resolve(self, row_id: int):
        row = db.session.get(LegacyRowRecord, row_id)
        if row is None or row.outcome != LegacyOutcome.unmapped:
            abort(404)
        note = (request.form.get("resolution") or "").strip()
        if not note or len(note) > 500 or any(ord(c) < 32 for c in note):
            flash(_("Say in a few words how the row was dealt with (at most 500 characters)."), "error")
            return redirect(url_for(".open_rows") + f"#zeile-{row.id}")
        if row.resolved_at is None:
            row.resolved_at = datetime.now(UTC).replace(tzinfo=None)
            row.resolved_by_id = current_user.id
            row.resolution = note
            record(AuditAction.legacy_resolve, "legacy_row", row.id, by=current_user, channel="admin")
            db.session.commit()
            flash(_("Row marked as dealt with."), "success")
        return redirect(url_for(".open_rows"))


def register(admin) -> None:
    from flask_babel import lazy_gettext as _l

    admin.add_view(LegacyImportView(name=_l("Import old lists"), endpoint="legacy", url="/admin/altlisten",
                                    category=_l("Shelters")))
