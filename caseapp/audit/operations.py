"""Writes audit rows into the caller's transaction (no audit, no change) and chains their hashes."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import select, text

from caseapp.audit.models import AuditEvent
from caseapp.extensions import db

GENESIS = "0" * 64
FIELDS = ("at", "user_id", "user_email", "actor", "office", "action", "object_type", "object_id",
          "channel", "detail")


def row_hash(prev_hash: str, values: dict) -> str:
    parts = [prev_hash] + ["" if values.get(f) is None else str(values.get(f)) for f in FIELDS]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


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
    return event
