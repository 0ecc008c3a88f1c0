"""The keyed audit chain (issue 13, item 10): a superuser who rewrites rows and recomputes the hashes
is found, anchors follow every commit, and no head that does not extend the last anchor is anchored."""
from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest
from sqlalchemy import select, text

from caseapp.audit.chain import FIELDS, legacy_row_hash
from caseapp.audit.operations import record
from tests.test_audit_chain import _as_superuser_without_triggers, _events, _verify


def _rewrite_from(db, first_id, hasher, action="update"):
    """The attack: change a row's action and recompute its hash and every later one's, as the superuser."""
    from caseapp.audit.models import AuditEvent

    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.id >= first_id).order_by(AuditEvent.id)
    ).all()
    prev = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.id < first_id)
                             .order_by(AuditEvent.id.desc()).limit(1)) or "0" * 64
    updates = []
    for i, row in enumerate(rows):
        values = {f: getattr(row, f) for f in FIELDS} | ({"action": action} if i == 0 else {})
        new = hasher(prev, values)
        updates.append((row.id, values["action"], prev, new))
        prev = new
    for row_id, act, prev_hash, new in updates:
        # Hashes are unique: park each row's hash first so the recomputed ones never collide.
        _as_superuser_without_triggers(
            db, "UPDATE audit_event SET hash = 'x' || id WHERE id = :id", id=row_id
        )
    for row_id, act, prev_hash, new in updates:
        _as_superuser_without_triggers(
            db, "UPDATE audit_event SET action = :a, prev_hash = :p, hash = :h WHERE id = :id",
            a=act, p=prev_hash, h=new, id=row_id)


def _anchor_lines(app) -> list[str]:
    path = Path(app.config["CASEAPP_AUDIT_ANCHOR_FILE"])
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_rows_rewritten_after_the_last_anchor_with_recomputed_unkeyed_hashes_are_found(app, db, factory):
    ids = _events(db, factory, n=5)
    _rewrite_from(db, ids[2], legacy_row_hash)
    result = _verify(app)
    assert result.exit_code == 1, result.output
    assert f"Eintrag {ids[2]}" in result.output


def test_a_forger_with_another_key_is_found_too(app, db, factory):
    ids = _events(db, factory, n=3)
    wrong = b"the-superuser-guessed-this"
    _rewrite_from(db, ids[0], lambda prev, values: hmac.new(
        wrong,
        "\x1f".join([prev] + ["" if values.get(f) is None else str(values[f]) for f in FIELDS]).encode(),
        hashlib.sha256).hexdigest())
    assert _verify(app).exit_code == 1


def test_every_commit_that_audits_is_anchored(app, db, factory):
    user = factory.user(role="caseworker")
    before = len(_anchor_lines(app))
    event = record("read", "person", 4711, by=user, channel="admin")
    db.session.commit()
    lines = _anchor_lines(app)
    assert (
        len(lines) == before + 1
        and f'"last_id": {event.id}' in lines[-1]
        and '"alg": "hmac-sha256"' in lines[-1]
    )


def test_a_released_savepoint_is_not_anchored_only_the_commit_is(app, db, factory):
    """SQLAlchemy 2.1 calls after_commit for a released SAVEPOINT too: anchoring there wrote anchors for
    rows not yet committed (and on SQLite waited 5 s for its own write lock, then failed)."""
    user = factory.user(role="caseworker")
    before = len(_anchor_lines(app))
    with db.session.begin_nested():
        record("read", "person", 4712, by=user, channel="admin")
    with db.session.begin_nested():
        event = record("read", "person", 4713, by=user, channel="admin")
    assert len(_anchor_lines(app)) == before
    db.session.commit()
    lines = _anchor_lines(app)
    assert len(lines) == before + 1 and f'"last_id": {event.id}' in lines[-1]


def test_a_head_that_does_not_extend_the_last_anchor_is_never_anchored(app, db, factory):
    from caseapp.tasks.audit import anchor_task

    ids = _events(db, factory, n=3)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "anchor"]).exit_code == 0
    more = _events(db, factory, n=3)
    _rewrite_from(db, more[1], legacy_row_hash)
    anchored = _anchor_lines(app)
    refused = runner.invoke(args=["audit", "anchor"])
    assert refused.exit_code == 1 and f"Eintrag {more[1]}" in refused.output
    assert anchor_task.run() is None
    assert _verify(app).exit_code == 1
    assert _anchor_lines(app) == anchored  # the forgery was not anchored by any of them
    assert ids


def test_rows_of_the_old_unkeyed_chain_are_sealed_and_then_no_longer_accepted(app, db, factory):
    """A trail written before the key came (old SHA-256 hashes) stays verifiable; the first keyed anchor
    seals it, and an unkeyed row after that is a forgery."""
    from caseapp.audit.models import AuditEvent

    ids = _events(db, factory, n=3)
    db.session.execute(text("SET LOCAL session_replication_role = replica"))
    db.session.execute(text("DELETE FROM audit_event WHERE id >= :id"), {"id": ids[0]})
    db.session.execute(text("SET LOCAL session_replication_role = origin"))
    prev = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or "0" * 64
    assert prev == "0" * 64, "the test database's trail starts empty in this transaction"
    for i in range(3):  # as the old code wrote them
        values = {f: None for f in FIELDS} | {"at": "2026-11-01 10:00:00", "action": "read",
                                              "object_type": "person", "object_id": str(i)}
        row = AuditEvent(prev_hash=prev, hash=legacy_row_hash(prev, values), **values)
        db.session.add(row)
        db.session.flush()
        prev = row.hash
    record("read", "person", 99, actor="test", channel="cli")
    db.session.commit()  # the first keyed anchor, with the seal of the old rows before it
    lines = _anchor_lines(app)
    assert '"alg"' not in lines[-2] and '"alg": "hmac-sha256"' in lines[-1]
    assert _verify(app).exit_code == 0
    values = {f: None for f in FIELDS} | {"at": "2026-12-01 10:00:00", "action": "read", "object_type": "x"}
    head = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    db.session.add(AuditEvent(prev_hash=head, hash=legacy_row_hash(head, values), **values))
    db.session.flush()
    assert _verify(app).exit_code == 1


def test_production_needs_an_audit_key_from_outside_the_database(tmp_path, monkeypatch):
    from caseapp.config import load_config

    monkeypatch.delenv("CASEAPP_AUDIT_KEY", raising=False)
    monkeypatch.delenv("CASEAPP_AUDIT_KEY_FILE", raising=False)
    with pytest.raises(RuntimeError, match="CASEAPP_AUDIT_KEY"):
        load_config(str(tmp_path), {"SECRET_KEY": "s" * 40})
    key_file = tmp_path / "audit.key"
    key_file.write_text("from-the-vault\n")
    monkeypatch.setenv("CASEAPP_AUDIT_KEY_FILE", str(key_file))
    assert load_config(str(tmp_path), {"SECRET_KEY": "s" * 40})["CASEAPP_AUDIT_KEY"] == "from-the-vault"
