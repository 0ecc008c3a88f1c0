"""names sort in German order: person names use the ICU collation de-x-icu on PostgreSQL

Names are sorted on every person list page. The server's default collation here is C.UTF-8, which
puts "Öztürk" after "Zeller" and cannot use abbreviated sort keys; ICU's German collation sorts
umlauts with their base letters and sorts about 3x faster (docs/benchmarks.md, person list).
Servers built without ICU keep their default collation.

Revision ID: 0008
Revises: 0007
"""
import flask_security  # noqa: F401
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLLATION = "de-x-icu"


def _has_icu(bind) -> bool:
    return bind.dialect.name == "postgresql" and bool(bind.exec_driver_sql(
        "SELECT 1 FROM pg_collation WHERE collname = %s", (COLLATION,)).scalar())


def upgrade():
    bind = op.get_bind()
    if not _has_icu(bind):
        return
    for column in ("family_name", "given_names"):
        # Rebuilds ix_person_name and the trigram index on the names.
        op.execute(f'ALTER TABLE person ALTER COLUMN {column} TYPE varchar(200) COLLATE "{COLLATION}"')


def downgrade():
    bind = op.get_bind()
    if not _has_icu(bind):
        return
    for column in ("family_name", "given_names"):
        op.execute(f'ALTER TABLE person ALTER COLUMN {column} TYPE varchar(200) COLLATE "default"')
