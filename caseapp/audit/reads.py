"""Reads of personal data leave a trace: one audit row per response that shows persons, one shared helper.

Views call `audit_read("person", ids, ...)` with the ids of the persons the response shows (a list page:
the page's rows, in ONE row - one INSERT; a form or detail page: its one person). A search term is never
stored, only that one was given. The row is written in the request's transaction and committed after the
response is rendered (`after_request`), before it leaves: no page with persons goes out unaudited, and
committing after rendering does not expire the objects the template still reads.

A refused read (a person of another office, answered 404 exactly like a missing one) is written to the
security log (`caseapp.security`) and as an audit row `read_refused`, so probing is visible to auditors.
"""
from __future__ import annotations

import logging

from flask import Flask, g, has_request_context

from caseapp.audit.operations import record
from caseapp.extensions import db

security_log = logging.getLogger("caseapp.security")


def ids_detail(ids) -> str:
    """',4,17,23,': every id between commas, so `LIKE '%,17,%'` finds a person's list reads."""
    return "," + ",".join(str(i) for i in ids) + ","


def audit_read(object_type: str, ids, *, by, channel: str, what: str, search: bool = False,
               fields: str | None = None) -> None:
    """One audit row for one response showing `ids` (nothing when it shows nobody)."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return
    parts = [f"view={what}"]
    if fields:
        parts.append(f"fields={fields}")
    if search:
        parts.append("search=given")
    parts.append(f"n={len(ids)} ids={ids_detail(ids)}")
    record(
        "read", object_type, ids[0] if len(ids) == 1 else None, by=by, channel=channel, detail=" ".join(parts)
    )
    _commit_after_response()


def refused_read(object_type: str, object_id, *, by, channel: str) -> None:
    """A read answered 404 because the user may not see the object (or it does not exist)."""
    security_log.warning("refused read: %s %s by user %s via %s", object_type, object_id,
                         getattr(by, "id", None), channel)
    record("read_refused", object_type, object_id, by=by, channel=channel)
    _commit_after_response()


def _commit_after_response() -> None:
    if has_request_context():
        g.caseapp_commit_reads = True


def _commit_reads(response):
    if g.pop("caseapp_commit_reads", False):
        db.session.commit()
    return response


def init_read_audit(app: Flask) -> None:
    app.after_request(_commit_reads)
