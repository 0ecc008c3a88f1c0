"""Admin screens of the source syncs: runs with progress, quarantine with re-processing, missing
list.

Who: runs (counts only) = admin and caseworker, a caseworker only for the sources of their own offices
(another office's run answers 404, as if it did not exist). The quarantine holds the delivered lines
themselves (names, birth dates, AZR numbers, addresses) and the list of persons missing from their
source's latest snapshot names persons: both only for caseworkers of the source's office, since admin
alone reads no person records. Every other role gets 403.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_security import current_user
from sqlalchemy import select

from caseapp.admin.base import SecureBaseView
from caseapp.audit.operations import record
from caseapp.auth.roles import ADMIN, CASEWORKER, has_any
from caseapp.codelists import RejectedStatus, SyncRunStatus
from caseapp.extensions import db
from caseapp.sources.models import RejectedRecord, SyncRun
from caseapp.sources.queries import missing_records
from caseapp.sources.registry import get_adapter
from caseapp.sources.review import confirm_held, discard_held, dismiss_rejected, reprocess_rejected

CATEGORY = _l("Sources")
# What a person reads for the stored statuses (codelists.SyncRunStatus, RejectedStatus; German: catalog).
RUN_LABELS = {
    SyncRunStatus.running: _l("running"), SyncRunStatus.done: _l("completed"),
    SyncRunStatus.rejected: _l("file rejected"), SyncRunStatus.failed: _l("aborted"),
    SyncRunStatus.held: _l("held (confirmation needed)"),
}
REJECTED_LABELS = {
    RejectedStatus.open: _l("open"), RejectedStatus.resolved: _l("dealt with"),
    RejectedStatus.dismissed: _l("dismissed"),
}
SYNC_ROLES = frozenset({ADMIN, CASEWORKER})


def visible_sources() -> set[str] | None:
    """Whose runs the user sees: None = every source (admin); else the codes of the user's offices."""
    if has_any(current_user, {ADMIN}):
        return None
    return set(current_user.office_codes)


def record_sources() -> set[str]:
    """Whose delivered records (quarantine) the user reads: a caseworker's own offices, nobody else's."""
    return set(current_user.office_codes) if has_any(current_user, {CASEWORKER}) else set()


def _scoped(stmt, column, codes: set[str] | None):
    return stmt if codes is None else stmt.where(column.in_(sorted(codes)))


class SyncRunsView(SecureBaseView):
    allowed_roles = SYNC_ROLES

    @expose("/")
    def index(self):
        runs = db.session.scalars(_scoped(select(SyncRun), SyncRun.source_code, visible_sources())
                                  .order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(200)).all()
        return self.render("admin/sources/runs.html", runs=runs, labels=RUN_LABELS,
                           readable=record_sources())

    def _held(self, run_id: int) -> SyncRun:
        """A held run of one of the caseworker's own sources (confirming changes person records)."""
        run = db.session.scalar(_scoped(select(SyncRun), SyncRun.source_code, record_sources())
                                .where(SyncRun.id == run_id, SyncRun.status == SyncRunStatus.held))
        if run is None:
            abort(404)
        return run

    @expose("/<int:run_id>/confirm", methods=("POST",))
    def confirm_held(self, run_id: int):
        run = self._held(run_id)
        summary = confirm_held(run, by=current_user)
        db.session.commit()
        if summary.status == SyncRunStatus.done:
            flash(_("Sync run %(id)s confirmed and read in: %(n)s persons marked as missing.", id=run_id,
                    n=summary.missing), "success")
        else:
            flash(summary.message or _("The delivery could not be read in."), "error")
        return redirect(url_for(".index"))

    @expose("/<int:run_id>/discard", methods=("POST",))
    def discard_held(self, run_id: int):
        discard_held(self._held(run_id), by=current_user)
        db.session.commit()
        flash(_("Sync run %(id)s dismissed; nothing was changed.", id=run_id), "success")
        return redirect(url_for(".index"))


class QuarantineView(SecureBaseView):
    allowed_roles = frozenset({CASEWORKER})

    def _get(self, record_id: int) -> RejectedRecord:
        rejected = db.session.scalar(_scoped(select(RejectedRecord), RejectedRecord.source_code,
                                             record_sources())
                                     .where(RejectedRecord.id == record_id))
        if rejected is None:
            abort(404)
        return rejected

    @expose("/")
    def index(self):
        codes = record_sources()
        stmt = _scoped(select(RejectedRecord), RejectedRecord.source_code, codes)
        run_id = request.args.get("run", type=int)
        run = None
        if run_id is not None:
            run = db.session.scalar(
                _scoped(select(SyncRun), SyncRun.source_code, codes).where(SyncRun.id == run_id)
            )
            if run is None:
                abort(404)
            stmt = stmt.where(RejectedRecord.run_id == run_id)
        else:
            stmt = stmt.where(RejectedRecord.status == RejectedStatus.open)
        records = db.session.scalars(stmt.order_by(RejectedRecord.run_id.desc(), RejectedRecord.line)
                                     .limit(500)).all()
        return self.render("admin/sources/quarantine.html", records=records, run=run,
                           labels=REJECTED_LABELS)

    @expose("/<int:record_id>", methods=("GET", "POST"))
    def edit(self, record_id: int):
        rejected = self._get(record_id)
        adapter = get_adapter(rejected.source_code)
        errors = rejected.errors
        values = dict(rejected.values or {})
        if request.method == "POST":
            if request.form.get("action") == "dismiss":
                dismiss_rejected(rejected, by=current_user)
                db.session.commit()
                flash(_("The record was dismissed."), "info")
                return redirect(url_for(".index", run=rejected.run_id))
            values = {c: request.form.get(c, "") for c in adapter.columns}
            errors = reprocess_rejected(rejected, values, by=current_user)
            db.session.commit()
            if not errors:
                flash(_("The corrected record was taken over."), "success")
                return redirect(url_for(".index", run=rejected.run_id))
            flash(_("The record still contains errors; please correct the marked fields."), "error")
            rejected = self._get(record_id)
        else:
            record("read", "rejected_record", rejected.id, by=current_user, channel="admin")
            db.session.commit()
        by_column: dict[str | None, list[str]] = {}
        for e in errors or []:
            by_column.setdefault(e.get("column"), []).append(e.get("message"))
        return self.render("admin/sources/quarantine_edit.html", rejected=rejected, columns=adapter.columns,
                           required=set(getattr(adapter, "required", ())), values=values, by_column=by_column,
                           labels=REJECTED_LABELS, key_column=adapter.key_column)


class MissingView(SecureBaseView):
    allowed_roles = frozenset({CASEWORKER})

    @expose("/")
    def index(self):
        codes = set(current_user.office_codes)
        records = db.session.scalars(missing_records(codes).limit(500)).all()
        record("read", "missing_list", None, by=current_user, channel="admin", detail=f"rows={len(records)}")
        db.session.commit()
        return self.render("admin/sources/missing.html", records=records)


def register(admin) -> None:
    """Adds this area's views to the admin."""
    admin.add_view(
        SyncRunsView(name=_l("Sync runs"), endpoint="sync_runs", url="/admin/sync-runs", category=CATEGORY)
    )
    admin.add_view(QuarantineView(name=_l("Quarantine"), endpoint="sync_quarantine",
                                  url="/admin/sync-quarantine", category=CATEGORY))
    admin.add_view(MissingView(name=_l("Missing persons"), endpoint="sync_missing", url="/admin/sync-missing",
                               category=CATEGORY))

