"""Anchors of the audit chain outside the database, so that deleting its newest rows is noticed too.

The hash chain shows an altered, deleted or reordered row by the rows after it; rows deleted at the
end leave nothing after them. An anchor is one JSON line (time, database, id and hash of the newest
row, number of rows) appended to a file outside the database (`CASEAPP_AUDIT_ANCHOR_FILE`; in
production on storage the database's owner cannot write, e.g. a separate log host). Every
`caseapp audit verify`, every check by an auditor and an hourly beat task append one; the check then
requires each earlier anchor's row to exist with the same hash. Anchors of other databases in the same
file are ignored, and so are those of an earlier database that had the same name (database_label).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select, text

from caseapp.audit.models import AuditEvent


@dataclass(frozen=True)
class Anchor:
    at: str
    database: str
    last_id: int
    last_hash: str
    rows: int


def anchor_path() -> Path:
    return Path(current_app.config["CASEAPP_AUDIT_ANCHOR_FILE"])


def database_label(session) -> str:
    """Which database a chain lives in: server, port, name (never the password) and, on PostgreSQL, the
    database's identity, so that a database dropped and created again under the same name (a new
    database, with a new chain) is not held to the old one's anchors. A restore into the same database
    keeps its identity, and its anchors then name the rows lost with the restore (docs/operations.md)."""
    bind = session.get_bind()
    url = getattr(bind, "engine", bind).url
    label = f"{url.get_backend_name()}://{url.host or ''}:{url.port or ''}/{url.database or ''}"
    if url.get_backend_name() == "postgresql":
        label += "#" + session.execute(text(
            "SELECT (SELECT oid FROM pg_database WHERE datname = current_database())::text || "
            "CASE WHEN has_function_privilege('pg_control_system()', 'execute') "
            "THEN '@' || (SELECT system_identifier FROM pg_control_system())::text ELSE '' END")).scalar()
    return label


def read_anchors(session, path: Path | None = None) -> list[Anchor]:
    """This database's anchors, oldest first; lines that cannot be read are skipped."""
    path = path or anchor_path()
    if not path.exists():
        return []
    here = database_label(session)
    anchors = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
            anchor = Anchor(data["at"], data["database"], int(data["last_id"]), data["last_hash"], int(data["rows"]))
        except (ValueError, KeyError, TypeError):
            continue
        if anchor.database == here:
            anchors.append(anchor)
    return anchors


def write_anchor(session, path: Path | None = None, rows: int | None = None) -> Anchor | None:
    """Append an anchor for the chain's current head (nothing while the trail is empty); `rows` when the
    caller has just counted them (a verify walked the whole chain)."""
    head = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    if head is None:
        return None
    if rows is None:
        rows = session.scalar(select(func.count()).select_from(AuditEvent))
    anchor = Anchor(datetime.now(UTC).isoformat(timespec="seconds"), database_label(session), head.id, head.hash,
                    rows)
    path = path or anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(anchor.__dict__, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return anchor


def verify_and_anchor(session):
    """The chain check with this database's anchors; an intact chain gets a new anchor.

    Returns (ChainReport, the anchor written or None). Used by `caseapp audit verify` and the auditors'
    page, so both notice deleted newest rows and both extend the anchors.
    """
    from caseapp.audit.verify import verify_chain

    report = verify_chain(session, anchors=read_anchors(session))
    return report, (write_anchor(session, rows=report.checked) if report.intact else None)
