"""The schema is built by Alembic alone, on PostgreSQL and SQLite, and every migration goes down again."""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tests import services
from tests.conftest import make_app

# Objects that exist only in migrations on purpose (dialect-specific indexes the models cannot express,
# the generated column of folded names they are built on).
MIGRATION_ONLY = ("trgm", "name_folded", "name_key", "name_word")


def _cycle(url: str):
    app = make_app(url)
    from caseapp.extensions import db

    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        downgrade(revision="base")
        left = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        db.engine.dispose()
    diff = [d for d in diff if not any(tag in repr(d) for tag in MIGRATION_ONLY)]
    return tables, left, diff


def test_postgresql_upgrade_downgrade_upgrade_matches_models(pg_server):
    url, name = services.create_database(pg_server)
    try:
        tables, left, diff = _cycle(url.replace("postgresql://", "postgresql+psycopg://"))
    finally:
        services.drop_database(pg_server, name)
    assert {"person", "shelter", "room", "stay", "transition", "audit_event"} <= tables
    assert left == set(), f"downgrade left tables behind: {left}"
    assert diff == [], f"models and migrations disagree: {diff}"


def test_sqlite_upgrade_downgrade_upgrade_matches_models(tmp_path):
    tables, left, diff = _cycle(f"sqlite:///{tmp_path / 'caseapp.db'}")
    assert {"person", "shelter", "room", "stay", "transition", "audit_event"} <= tables
    assert left == set(), f"downgrade left tables behind: {left}"
    assert diff == [], f"models and migrations disagree: {diff}"


def test_sqlite_smoke_path_enforces_the_same_rules(sqlite_app):
    """The embedded default refuses bad AZR numbers, overlapping stays and bad partial dates too."""
    from datetime import date

    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from caseapp.extensions import db
    from tests.factories import Factory

    f = Factory(db)
    p = f.person(azr_number="123456789012", birth="1990-00-00")
    shelter = f.shelter(rooms=(("1.01", 2),))
    f.stay(p, shelter.rooms[0], start=date(2026, 1, 1), end=date(2026, 3, 1))
    db.session.commit()
    room_id = shelter.rooms[0].id
    for sql in (
        "UPDATE person SET azr_number = '12345' WHERE id = :id",
        "UPDATE person SET birth_date = '1990-03-03' WHERE id = :id",
        "INSERT INTO stay (person_id, room_id, start_date) VALUES (:id, :room, '2026-02-01')",
    ):
        with pytest.raises(IntegrityError):
            db.session.execute(text(sql), {"id": p.id, "room": room_id})
            db.session.flush()
        db.session.rollback()
    assert db.session.get(type(p), p.id).birth.iso == "1990-00-00"
