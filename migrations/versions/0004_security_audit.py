"""security_audit: the audit trail becomes append-only; the application role `caseapp_app`.

On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on audit_event for everyone (the owner
included, unless a superuser disables triggers, which `caseapp audit verify` then exposes), and the
role `caseapp_app` is created (NOLOGIN, if the migrating role may create roles) with read and write
rights on every table but only SELECT and INSERT on audit_event. Production runs the app as a login
role that is a member of it:  CREATE ROLE caseapp_web LOGIN PASSWORD '...' IN ROLE caseapp_app;
(and migrates as the owner). On SQLite the same triggers refuse UPDATE and DELETE.

Revision ID: 0004
Revises: 0003
"""
import flask_security  # noqa: F401
import sqlalchemy as sa  # noqa: F401
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APP_ROLE = "caseapp_app"

PG_UPGRADE = [
    """
    CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_event ist unveränderlich: % ist nicht erlaubt', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    ("CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"),
    ("CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"),
    # The role is cluster-wide; create it only where we may, and never fail the migration over it.
    f"""
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            BEGIN
                CREATE ROLE {APP_ROLE} NOLOGIN;
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE NOTICE 'role {APP_ROLE} not created (no CREATEROLE); create it by hand';
            END;
        END IF;
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            EXECUTE format('GRANT CONNECT ON DATABASE %I TO {APP_ROLE}', current_database());
            GRANT USAGE ON SCHEMA public TO {APP_ROLE};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE};
            GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE};
            -- Tables of later migrations, created by the same (migrating) role, get the same rights.
            ALTER DEFAULT PRIVILEGES IN SCHEMA public
                GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE};
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {APP_ROLE};
            REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_event FROM {APP_ROLE};
            GRANT SELECT, INSERT ON audit_event TO {APP_ROLE};
        END IF;
    END
    $$
    """,
]

PG_DOWNGRADE = [
    f"""
    DO $$
    BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            ALTER DEFAULT PRIVILEGES IN SCHEMA public
                REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {APP_ROLE};
            ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM {APP_ROLE};
            REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE};
            REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {APP_ROLE};
            REVOKE USAGE ON SCHEMA public FROM {APP_ROLE};
            EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM {APP_ROLE}', current_database());
        END IF;
    END
    $$
    """,
    # The role itself stays: other databases of the cluster may use it.
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]

SQLITE_UPGRADE = [
    ("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event ist unveränderlich: UPDATE ist nicht erlaubt'); END"),
    ("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event ist unveränderlich: DELETE ist nicht erlaubt'); END"),
]

SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_event_no_update",
]


def _run(statements) -> None:
    for sql in statements:
        op.execute(sql)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _run(PG_UPGRADE)
    elif dialect == "sqlite":
        _run(SQLITE_UPGRADE)

    # --- BEGIN C1: person name search (trigram index) ---
    # The admin's name search matches this exact expression with ILIKE '%term%' (caseapp/admin/people.py).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_person_name_trgm ON person USING gin "
            "((coalesce(family_name, '') || ' ' || coalesce(given_names, '')) gin_trgm_ops)"
        )
    # --- END C1 ---


def downgrade():
    # --- BEGIN C1 downgrade: person name search (trigram index) ---
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_person_name_trgm")
    # --- END C1 downgrade ---

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        _run(PG_DOWNGRADE)
    elif dialect == "sqlite":
        _run(SQLITE_DOWNGRADE)
