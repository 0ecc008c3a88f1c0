"""Test wiring: a throw-away PostgreSQL database per run, migrated by Alembic; rollback per test."""
from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
from flask_sqlalchemy.session import Session as FsaSession
from pytest_postgresql import factories

from tests import services
from tests.factories import Factory

postgresql_proc = factories.postgresql_proc(
    executable=os.environ.get("PG_CTL", "/usr/lib/postgresql/15/bin/pg_ctl")
)

TEST_PASSWORD = "Kaffeetasse-Bruecke-42"


@pytest.fixture(scope="session")
def pg_server(request):
    return services.pg_server_url(request)


@pytest.fixture(scope="session")
def database_url(pg_server):
    url, name = services.create_database(pg_server)
    yield url.replace("postgresql://", "postgresql+psycopg://")
    services.drop_database(pg_server, name)


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("TEST_REDIS_URL") or services.DEFAULT_REDIS
    if services.redis_answers(url):
        yield url
        return
    server = services.RedisServer()
    yield server.url
    server.stop()


def make_app(database_url: str, **overrides):
    from caseapp import create_app

    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": None,
        "SECURITY_TWO_FACTOR_REQUIRED": False,
        "SECURITY_PASSWORD_HASH": "argon2",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    inbox = tmp_path_factory.mktemp("inbox")
    application = make_app(
        database_url,
        CASEAPP_INBOX=str(inbox),
        CASEAPP_ARCHIVE=str(tmp_path_factory.mktemp("archive")),
        CASEAPP_REPORT_DIR=str(tmp_path_factory.mktemp("reports")),
    )
    with application.app_context():
        upgrade()
    return application


class _ConnectionSession(FsaSession):
    """Flask-SQLAlchemy's Session.get_bind ignores `bind=` and returns the app's engine, so a test's
    commit would reach the database for real; this one always uses the test's own connection."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture()
def sqlite_app(tmp_path):
    """A migrated app on a fresh SQLite file (the embedded default), its app context pushed."""
    from flask_migrate import upgrade

    from caseapp.extensions import db as _db

    application = make_app(f"sqlite:///{tmp_path / 'caseapp.db'}")
    with application.app_context():
        upgrade()
        yield application
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture()
def db(app, tmp_path):
    """The database with everything a test writes rolled back afterwards (commits become savepoints).

    Audit anchors go to the test's own file: an anchor naming a row that the rollback removed would
    otherwise read as a deleted audit row in the next test.
    """
    from caseapp.extensions import db as _db

    app.config["CASEAPP_AUDIT_ANCHOR_FILE"] = str(tmp_path / "audit-anchors.jsonl")
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint", "class_": _ConnectionSession}
        )
        _db.session = session
        try:
            yield _db
        finally:
            session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture()
def sql_statements(db):
    """A context manager that records every SQL statement sent to the database inside it.

        with sql_statements() as seen:
            client.get("/admin/person/")
        assert len(seen) == 7, "\n".join(seen)
    """
    from sqlalchemy import event

    @contextmanager
    def counting():
        seen: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield seen
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture()
def factory(db):
    return Factory(db)


@pytest.fixture()
def client(app, db):
    return app.test_client()


@pytest.fixture()
def login_as(app, db, factory):
    """login_as(role, offices=("abh",)) -> a logged-in test client (session cookie) and its user."""

    def _login(role: str | None, offices=("abh",), client=None):
        user = factory.user(role=role, offices=offices, password=TEST_PASSWORD)
        c = client or app.test_client()
        resp = c.post("/login?include_auth_token", json={"email": user.email, "password": TEST_PASSWORD})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        c.auth_token = resp.get_json()["response"]["user"]["authentication_token"]
        c.user = user
        return c

    return _login
