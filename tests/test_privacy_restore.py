"""The restore drill on PostgreSQL: pg_dump, erase after the dump, restore into a scratch database, check."""
from __future__ import annotations

import json
import subprocess

import psycopg
import pytest
from sqlalchemy import select

from tests import services
from tests.conftest import make_app
from tests.factories import Factory


@pytest.fixture()
def live(pg_server, tmp_path):
    """A committed database of its own (the drill dumps it, so the rollback-per-test database will not do)."""
    from celery import current_app as current_celery
    from flask_migrate import upgrade

    from caseapp.extensions import db

    previous_celery = current_celery._get_current_object()
    url, name = services.create_database(pg_server)
    app = make_app(url.replace("postgresql://", "postgresql+psycopg://"),
                   CASEAPP_ERASURE_JOURNAL=str(tmp_path / "journal.jsonl"))
    try:
        with app.app_context():
            upgrade()
            yield app, url
            db.session.remove()
            db.engine.dispose()
    finally:
        previous_celery.set_default()
        services.drop_database(pg_server, name)


def _dump(url: str, path) -> None:
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", url], check=True)


def _seed(db):
    from caseapp.sources.models import SourceRecord

    f = Factory(db)
    erased = f.person(family_name="Vorher", given_names="Gelöscht", azr_number="111122223333")
    db.session.add(SourceRecord(source_code="abh", key="K-1", person_id=erased.id, values_hash="2" * 32))
    kept = f.person(family_name="Bleibt", given_names="Erhalten")
    from caseapp.audit.operations import record

    for person in (erased, kept):
        record("create", "person", person.id, actor="test", channel="cli")
    db.session.commit()
    return erased.id, kept.id


def _scratch(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


def test_drill_restores_checks_and_reapplies_erasures_made_after_the_dump(live, tmp_path, pg_server):
    from caseapp.extensions import db
    from caseapp.people.models import Person
    from caseapp.privacy.markers import marker
    from caseapp.privacy.operations import anonymise
    from caseapp.privacy.restore import schema_head

    app, url = live
    erased_id, kept_id = _seed(db)
    dump = tmp_path / "caseapp.dump"
    _dump(url, dump)
    anonymise(db.session.get(Person, erased_id), reason="request")
    later = Factory(db).person(family_name="Später")  # created and erased after the dump: absent there
    anonymise(later, reason="request")
    db.session.commit()
    k1 = marker("abh", "K-1")

    result = app.test_cli_runner().invoke(
        args=["privacy", "restore-drill", "--dump", str(dump), "--json", "--keep"]
    )

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    try:
        assert report["ok"] and report["problems"] == []
        assert report["schema_version"] == report["schema_head"] == schema_head()
        assert report["audit_checked"] > 0
        assert (report["erasures"]["anonymised"], report["erasures"]["absent"]) == (1, 1)
        with psycopg.connect(_scratch(url, report["database"])) as conn:
            rows = dict(conn.execute("SELECT id, family_name FROM person").fetchall())
            markers = {m for (m,) in conn.execute("SELECT marker FROM erased_key")}
            chain_rows = conn.execute(
                "SELECT count(*) FROM audit_event WHERE action = 'anonymise'"
            ).fetchone()[0]
        assert rows[erased_id] is None and rows[kept_id] == "Bleibt"  # the backup did not resurrect anyone
        assert k1 in markers
        assert chain_rows == 1  # the re-applied erasure is logged in the restored trail
    finally:
        services.drop_database(pg_server, report["database"])
    from caseapp.audit.models import AuditEvent

    assert db.session.scalar(
        select(AuditEvent.detail).where(AuditEvent.action == "restore_drill")
    ).startswith("ok=True")


def test_drill_fails_on_a_broken_audit_chain_and_drops_the_scratch_database(live, tmp_path, pg_server):
    from caseapp.extensions import db

    app, url = live
    _seed(db)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")  # past the append-only trigger, as an attacker
        broken = conn.execute("SELECT min(id) FROM audit_event").fetchone()[0]
        conn.execute("UPDATE audit_event SET detail = 'verändert' WHERE id = %s", (broken,))
    dump = tmp_path / "caseapp.dump"
    _dump(url, dump)

    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "restore-drill", "--dump", str(dump)])

    assert result.exit_code == 1
    assert f"Protokoll beschädigt ab Eintrag {broken}" in result.output
    report = json.loads(
        runner.invoke(args=["privacy", "restore-drill", "--dump", str(dump), "--json"]).output
    )
    assert not report["ok"] and report["audit_broken_id"] == broken
    with psycopg.connect(pg_server) as conn:
        left = conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", (report["database"],)
        ).fetchone()
    assert left[0] == 0
