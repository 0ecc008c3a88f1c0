"""Anchors of the audit chain outside the database, so that deleting or rewriting its newest rows is noticed.

The chain (keyed, audit/chain.py) shows an altered, deleted or reordered row by the rows after it;
rows deleted at the end leave nothing after them. An anchor is one JSON line (time, database, id and
hash of the newest row, number of rows when counted, algorithm) appended to a file outside the database
(`CASEAPP_AUDIT_ANCHOR_FILE`; in production on storage the database's owner cannot write, e.g. a
separate log host). An anchor is written after every commit that wrote audit rows
(`CASEAPP_AUDIT_ANCHOR_ROWS`), by every `caseapp audit verify`, every check by an auditor and an hourly
beat task; the check then requires each earlier anchor's row to exist with the same hash.

An anchor is only ever written for a head that extends the previous anchor: the rows after it are
checked (link and keyed hash) first, and a head that does not fit is refused and logged, never anchored.
Lines without "alg" are anchors of the old unkeyed chain; the rows they cover may keep their old hash.
Anchors of other databases in the same file are ignored, and so are those of an earlier database that
had the same name (database_label).
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event, func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from caseapp.audit.chain import ALGORITHM, FIELDS, GENESIS, legacy_row_hash, row_hash
from caseapp.audit.models import AuditEvent

security_log = logging.getLogger("caseapp.security")
_TAIL_BYTES = 64 * 1024
_pending = {"rows": 0}  # audit rows committed by this process since its last anchor


class AnchorRefused(Exception):
    """The chain's head does not extend the previous anchor: nothing is anchored."""

    def __init__(self, row_id: int, reason: str):
        super().__init__(f"Eintrag {row_id}: {reason}")
        self.row_id, self.reason = row_id, reason


@dataclass(frozen=True)
class Anchor:
    at: str
    database: str
    last_id: int
    last_hash: str
    rows: int | None
    alg: str | None = None

    @property
    def keyed(self) -> bool:
        return self.alg == ALGORITHM


def anchor_path() -> Path:
    return Path(current_app.config["CASEAPP_AUDIT_ANCHOR_FILE"])


def database_label(executor) -> str:
    """Which database a chain lives in: server, port, name (never the password) and, on PostgreSQL, the
    database's identity, so that a database dropped and created again under the same name (a new
    database, with a new chain) is not held to the old one's anchors. A restore into the same database
    keeps its identity, and its anchors then name the rows lost with the restore (docs/operations.md).
    `executor` is a Session or a Connection."""
    bind = executor.get_bind() if hasattr(executor, "get_bind") else executor
    url = getattr(bind, "engine", bind).url
    label = f"{url.get_backend_name()}://{url.host or ''}:{url.port or ''}/{url.database or ''}"
    if url.get_backend_name() == "postgresql":
        label += "#" + executor.execute(text(
            "SELECT (SELECT oid FROM pg_database WHERE datname = current_database())::text || "
            "CASE WHEN has_function_privilege('pg_control_system()', 'execute') "
            "THEN '@' || (SELECT system_identifier FROM pg_control_system())::text ELSE '' END")).scalar()
    return label


def _parse(line: str) -> Anchor | None:
    try:
        data = json.loads(line)
        rows = data.get("rows")
        return Anchor(data["at"], data["database"], int(data["last_id"]), data["last_hash"],
                      None if rows is None else int(rows), data.get("alg"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def read_anchors(session, path: Path | None = None) -> list[Anchor]:
    """This database's anchors, in file order (oldest first); lines that cannot be read are skipped."""
    path = path or anchor_path()
    if not path.exists():
        return []
    here = database_label(session)
    anchors = (_parse(line) for line in path.read_text(encoding="utf-8").splitlines())
    return [a for a in anchors if a is not None and a.database == here]


def last_anchor(label: str, path: Path) -> Anchor | None:
    """The newest anchor of this database, read from the file's tail (whole file only if not found there)."""
    if not path.exists():
        return None
    with path.open("rb") as f:
        size = f.seek(0, os.SEEK_END)
        f.seek(max(0, size - _TAIL_BYTES))
        tail = f.read().decode("utf-8", errors="replace").splitlines()
    lines = tail if size <= _TAIL_BYTES else None
    for line in reversed(tail):
        anchor = _parse(line)
        if anchor is not None and anchor.database == label:
            return anchor
    if lines is None:
        for line in reversed(path.read_text(encoding="utf-8").splitlines()):
            anchor = _parse(line)
            if anchor is not None and anchor.database == label:
                return anchor
    return None


def _append(path: Path, anchor: Anchor) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(
            json.dumps({k: v for k, v in anchor.__dict__.items() if v is not None}, sort_keys=True) + "\n"
        )
        out.flush()
        os.fsync(out.fileno())


def _checked_segment(executor, last: Anchor | None):
    """Walk the rows after the previous anchor; return (newest row, newest row with the old hash or None).

    Raises AnchorRefused when the anchored row is gone or changed, or a later row does not link or its
    keyed hash does not fit. Old unkeyed hashes are accepted only while the keyed era has not begun
    (no keyed anchor yet) and only before the first keyed row.
    """
    start_id, prev = (last.last_id, last.last_hash) if last else (0, GENESIS)
    if last is not None:
        found = executor.execute(select(AuditEvent.hash).where(AuditEvent.id == last.last_id)).scalar()
        if found != last.last_hash:
            raise AnchorRefused(last.last_id, f"fehlt oder passt nicht mehr zum Anker vom {last.at}")
    legacy_allowed = last is None or not last.keyed
    columns = [AuditEvent.id, AuditEvent.prev_hash, AuditEvent.hash] + [
        getattr(AuditEvent, f) for f in FIELDS
    ]
    head, legacy_head = None, None
    for row in executor.execute(select(*columns).where(AuditEvent.id > start_id).order_by(AuditEvent.id)):
        values = {f: getattr(row, f) for f in FIELDS}
        if row.prev_hash != prev:
            raise AnchorRefused(row.id, "Verkettung unterbrochen")
        if row_hash(row.prev_hash, values) == row.hash:
            legacy_allowed = False
        elif legacy_allowed and legacy_row_hash(row.prev_hash, values) == row.hash:
            legacy_head = row
        else:
            raise AnchorRefused(row.id, "Inhalt verändert: der Eintrag passt nicht zu seinem Schlüssel-Hash")
        prev, head = row.hash, row
    return head, legacy_head


def write_anchor(executor, path: Path | None = None, rows: int | None = None) -> Anchor | None:
    """Append an anchor for the chain's current head (nothing while the trail is empty).

    Only a head that extends the previous anchor is anchored (AnchorRefused otherwise). `rows` when the
    caller has just counted them (a verify walked the whole chain); the hourly task counts them itself.
    """
    path = path or anchor_path()
    label = database_label(executor)
    last = last_anchor(label, path)
    head, legacy_head = _checked_segment(executor, last)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if head is None:
        if last is None:
            return None
        # Nothing new: the same head again, with the time of this check.
        anchor = Anchor(now, label, last.last_id, last.last_hash, rows, last.alg)
    else:
        keyed = legacy_head is None or legacy_head.id != head.id
        if legacy_head is not None and keyed:
            # Seal the old unkeyed rows where the keyed chain begins.
            _append(path, Anchor(now, label, legacy_head.id, legacy_head.hash, None))
        anchor = Anchor(now, label, head.id, head.hash, rows, ALGORITHM if keyed else None)
    _append(path, anchor)
    _pending["rows"] = 0
    return anchor


def count_rows(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent))


def verify_and_anchor(session):
    """The chain check with this database's anchors; an intact chain gets a new anchor.

    Returns (ChainReport, the anchor written or None). Used by `caseapp audit verify` and the auditors'
    page, so both notice deleted newest rows and both extend the anchors.
    """
    from caseapp.audit.verify import ChainReport, verify_chain

    report = verify_chain(session, anchors=read_anchors(session))
    if not report.intact:
        return report, None
    try:
        return report, write_anchor(session, rows=report.checked)
    except AnchorRefused as exc:  # written between the check and the anchor: checked again next time
        security_log.error("audit anchor refused: %s", exc)
        return ChainReport(report.checked, exc.row_id, exc.reason), None


def note_written(session, row) -> None:
    """record() tells the session that this transaction wrote an audit row (anchored after its commit)."""
    session.info["caseapp_audit_rows"] = session.info.get("caseapp_audit_rows", 0) + 1


@event.listens_for(Session, "after_commit")
def _anchor_after_commit(session) -> None:
    if session.in_nested_transaction():
        # SQLAlchemy 2.1 also calls after_commit when a SAVEPOINT is released (begin_nested): the rows are
        # not committed yet, and on SQLite a second connection would wait for the outer write lock and
        # fail ("database is locked"). The outermost commit anchors them.
        return
    written = session.info.pop("caseapp_audit_rows", 0)
    if not written or not has_app_context():
        return
    _pending["rows"] += written
    if _pending["rows"] < current_app.config.get("CASEAPP_AUDIT_ANCHOR_ROWS", 1):
        return
    try:
        bind = session.get_bind()
        if isinstance(bind, Engine):
            with bind.connect() as conn:
                write_anchor(conn)
        else:  # the tests' one connection, whose outer transaction holds the rows
            write_anchor(bind)
    except AnchorRefused as exc:
        security_log.error("audit anchor refused after commit: %s", exc)
    except Exception:  # noqa: BLE001 - the commit stands; a missing anchor is caught by the next one
        security_log.exception("audit anchor could not be written")


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session) -> None:
    session.info.pop("caseapp_audit_rows", None)
