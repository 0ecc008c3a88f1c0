"""The commit discipline shared by the two drivers of a sync (CLI and Celery task) around import_delivery."""
from __future__ import annotations

from caseapp.extensions import db
from caseapp.sources.operations import fail_run, import_delivery


def run_and_commit(prepared, run, *, progress, failure: str, confirm_missing: bool = False):
    """Import and commit; on any error roll the import back, record the run as failed, re-raise.

    `failure` is the German message for the run, with `{error}` for the exception's type name.
    """
    run_id = run.id
    try:
        summary = import_delivery(prepared, run, progress=progress, confirm_missing=confirm_missing)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        fail_run(run_id, failure.format(error=type(exc).__name__))
        db.session.commit()
        raise
    return summary
