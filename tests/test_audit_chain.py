"""The audit trail is append-only and hash-chained: `caseapp audit verify` finds altered, deleted,
reordered rows."""
from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from caseapp.audit.operations import record


def _events(db, factory, n=4):
    user = factory.user(role="caseworker")
    ids = [record("read", "person", 1000 + i, by=user, channel="admin").id for i in range(n)]
    db.session.flush()
    return ids


def _verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def _as_superuser_without_triggers(db, *statements, **params):
    """What an attacker with the database superuser could do: switch the triggers off and write."""
    db.session.execute(text("SET LOCAL session_replication_role = replica"))
    for sql in statements:
        db.session.execute(text(sql), params)
    db.session.execute(text("SET LOCAL session_replication_role = origin"))
    db.session.expire_all()


def test_intact_chain_verifies(app, db, factory):
    _events(db, factory)
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "intakt" in result.output


def test_altered_row_is_named(app, db, factory):
    ids = _events(db, factory)
    _as_superuser_without_triggers(db, "UPDATE audit_event SET object_id = '999' WHERE id = :id", id=ids[2])
    result = _verify(app)
    assert result.exit_code == 1
    assert f"Eintrag {ids[2]}" in result.output and "verändert" in result.output


def test_altered_row_with_recomputed_hash_breaks_the_next_link(app, db, factory):
    from caseapp.audit.models import AuditEvent
    from caseapp.audit.operations import FIELDS, row_hash

    ids = _events(db, factory)
    row = db.session.get(AuditEvent, ids[1])
    values = {f: getattr(row, f) for f in FIELDS} | {"action": "update"}
    forged = row_hash(row.prev_hash, values)
    _as_superuser_without_triggers(
        db, "UPDATE audit_event SET action = 'update', hash = :h WHERE id = :id", h=forged, id=ids[1]
    )
    result = _verify(app)
    assert result.exit_code == 1 and f"Eintrag {ids[2]}" in result.output


def test_deleted_row_is_found_at_its_successor(app, db, factory):
    ids = _events(db, factory)
    _as_superuser_without_triggers(db, "DELETE FROM audit_event WHERE id = :id", id=ids[1])
    result = _verify(app)
    assert result.exit_code == 1
    assert f"Eintrag {ids[2]}" in result.output and "Verkettung" in result.output


def test_reordered_rows_are_found(app, db, factory):
    ids = _events(db, factory)
    a, b = ids[1], ids[2]
    # Swap the two rows' contents, each keeping its own (valid) hash.
    _as_superuser_without_triggers(
        db,
        "UPDATE audit_event SET id = -1 WHERE id = :a",
        "UPDATE audit_event SET id = :a WHERE id = :b",
        "UPDATE audit_event SET id = :b WHERE id = -1",
        a=a, b=b,
    )
    result = _verify(app)
    assert result.exit_code == 1 and f"Eintrag {a}" in result.output


@pytest.mark.parametrize("sql", [
    "UPDATE audit_event SET detail = 'x'",
    "DELETE FROM audit_event",
    "TRUNCATE audit_event",
])
def test_the_database_refuses_changes_to_the_trail(db, factory, sql):
    _events(db, factory, n=1)
    with pytest.raises(DBAPIError, match="unveränderlich"), db.session.begin_nested():
        db.session.execute(text(sql))


def test_application_role_may_append_but_not_change(db, factory):
    exists = db.session.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = 'caseapp_app'"))
    if not exists:
        pytest.skip("role caseapp_app could not be created on this server")
    user = factory.user(role="caseworker")
    with db.session.begin_nested():
        db.session.execute(text("SET LOCAL ROLE caseapp_app"))
        record("read", "person", 7, by=user, channel="api")
        for sql in ("UPDATE audit_event SET detail = 'x'", "DELETE FROM audit_event"):
            with (pytest.raises(DBAPIError, match="permission denied|keine Berechtigung"),
                  db.session.begin_nested()):
                db.session.execute(text(sql))
        db.session.execute(text("RESET ROLE"))


def test_rows_carry_no_personal_data_and_link_up(db, factory):
    person = factory.person(family_name="Zyxwvutsson", azr_number="987654321098")
    user = factory.user(role="caseworker")
    first = record("read", "person", person.id, by=user, channel="api")
    second = record("update", "person", person.id, by=user, channel="admin", detail="fields=state")
    assert second.prev_hash == first.hash
    row = " ".join(str(v) for v in vars(second).values())
    assert "Zyxwvutsson" not in row and "987654321098" not in row
    assert first.office == "abh" and first.user_email == user.email


def test_deleting_the_newest_rows_is_found_by_the_anchor_outside_the_database(app, db, factory):
    from pathlib import Path

    ids = _events(db, factory)
    first = _verify(app)
    assert first.exit_code == 0 and f"Anker bei Eintrag {ids[-1]}" in first.output
    anchors = Path(app.config["CASEAPP_AUDIT_ANCHOR_FILE"]).read_text(encoding="utf-8")
    assert f'"last_id": {ids[-1]}' in anchors and "person" not in anchors  # no content, only the head
    more = _events(db, factory, n=2)
    assert _verify(app).exit_code == 0  # growing is fine
    # The two newest rows vanish: the chain alone still links, the anchor of the second run does not.
    _as_superuser_without_triggers(db, "DELETE FROM audit_event WHERE id >= :id", id=more[0])
    result = _verify(app)
    assert result.exit_code == 1, result.output
    assert f"Eintrag {more[-1]}" in result.output and "neuesten Einträge fehlen" in result.output


def test_anchors_of_another_database_are_ignored(app, db, factory):
    from pathlib import Path

    path = Path(app.config["CASEAPP_AUDIT_ANCHOR_FILE"])
    path.write_text('{"at": "2026-01-01T00:00:00+00:00", "database": "postgresql://elsewhere:5432/other", '
                    '"last_hash": "x", "last_id": 999999999, "rows": 5}\nnot json\n', encoding="utf-8")
    _events(db, factory)
    assert _verify(app).exit_code == 0


def test_the_hourly_task_appends_an_anchor(app, db, factory):
    from pathlib import Path

    from caseapp.tasks.audit import anchor_task
    from caseapp.tasks.schedule import BEAT_SCHEDULE

    assert BEAT_SCHEDULE["audit-anchor-hourly"]["task"] == anchor_task.name
    ids = _events(db, factory)
    assert anchor_task.run() == ids[-1]
    assert f'"last_id": {ids[-1]}' in Path(app.config["CASEAPP_AUDIT_ANCHOR_FILE"]).read_text(
        encoding="utf-8"
    )


def test_the_auditors_check_reports_missing_newest_rows_too(app, db, factory, login_as):
    ids = _events(db, factory)
    auditor = login_as("auditor")
    assert "intakt" in auditor.get("/admin/audit_verify/").get_data(as_text=True)
    _as_superuser_without_triggers(db, "DELETE FROM audit_event WHERE id >= :id", id=ids[-2])
    page = auditor.get("/admin/audit_verify/").get_data(as_text=True)
    assert "neuesten Einträge fehlen" in page


def test_a_database_created_again_under_the_same_name_is_not_held_to_the_old_ones_anchors(
    pg_server, tmp_path
):
    """Drop a database, create it again with the same name, write audit rows: its chain is intact and
    `caseapp audit verify` says so, although the anchor file still holds the old database's head."""
    from flask_migrate import upgrade

    from caseapp.extensions import db as _db
    from tests import services
    from tests.conftest import make_app
    from tests.factories import Factory

    anchors = tmp_path / "anchors.jsonl"
    url, name = services.create_database(pg_server)
    results = []
    try:
        for _round in range(2):
            app = make_app(url.replace("postgresql://", "postgresql+psycopg://"),
                           CASEAPP_AUDIT_ANCHOR_FILE=str(anchors))
            with app.app_context():
                upgrade()
                f = Factory(_db)
                user = f.user(role="caseworker")
                for i in range(3 if _round == 0 else 1):
                    record("read", "person", 100 + i, by=user, channel="api")
                _db.session.commit()
                results.append(app.test_cli_runner().invoke(args=["audit", "verify"]))
                _db.session.remove()
                _db.engine.dispose()
            if _round == 0:
                services.drop_database(pg_server, name)
                with psycopg.connect(pg_server, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        services.drop_database(pg_server, name)
    assert [r.exit_code for r in results] == [0, 0], [r.output for r in results]
    assert len(anchors.read_text(encoding="utf-8").splitlines()) >= 2  # commits anchor too


def test_auditors_filter_the_log_by_the_german_name_of_the_action(app, db, factory, login_as):
    from tests.security_declarations import admin_view_of

    user = factory.user(role="caseworker")
    record("read", "person", 41, by=user, channel="admin")
    record("transition:depart", "person", 41, by=user, channel="admin")
    record("download", "report_job", 7, by=user, channel="admin")
    db.session.flush()
    auditor = login_as("auditor", offices=())
    page = auditor.get("/admin/audit/").get_data(as_text=True)
    rows = page[page.index("model-list"):page.index("filter-groups-data")]
    assert "Übergang Wegzug" in rows and "heruntergeladen" in rows and "transition:depart" not in rows
    view = admin_view_of(app, "audit.index_view")
    index = next(i for i, f in enumerate(view._filters) if f.name == "Aktion")
    assert '["read", "angesehen"]' in page  # the filter offers the action by its German name
    only_reads = auditor.get(f"/admin/audit/?flt0_{index}=read").get_data(as_text=True)
    body = only_reads[only_reads.index("model-list"):only_reads.index("filter-groups-data")]
    assert "angesehen" in body and "Übergang Wegzug" not in body and "heruntergeladen" not in body
