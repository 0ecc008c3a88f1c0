"""Writes audit rows into the caller's transaction (no audit, no change) and chains their hashes."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, text

from caseapp.audit.chain import FIELDS, GENESIS, row_hash
from caseapp.audit.models import AuditEvent
from caseapp.extensions import db

__all__ = ["FIELDS", "GENESIS", "record", "row_hash"]


def _lock_chain() -> None:
    """Serialise writers of the chain so two transactions never extend the same tail."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(4242001)"))


def record(action: str, object_type: str, object_id=None, *, by=None, actor: str | None = None,
           office: str | None = None, channel: str | None = None, detail: str | None = None) -> AuditEvent:
    """Append one audit row. `by` is the acting user (or None with `actor` for jobs and sources)."""
    _lock_chain()
    prev = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or GENESIS
    if office is None and by is not None and getattr(by, "offices", None):
        office = ",".join(sorted(o.code for o in by.offices))
    values = {
        "at": datetime.now(UTC).replace(tzinfo=None, microsecond=0),
        "user_id": getattr(by, "id", None),
        "user_email": getattr(by, "email", None),
        "actor": actor,
        "office": office,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "channel": channel,
        "detail": detail,
    }
    event = AuditEvent(prev_hash=prev, hash=row_hash(prev, values), **values)
    db.session.add(event)
    db.session.flush()
    from caseapp.audit.anchors import note_written

    note_written(db.session, event)
    return event
