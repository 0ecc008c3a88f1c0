"""stats cube deltas: the person triggers append each statement's changes instead of updating the cells

Revision ID: 0025_stats_cube_deltas
Revises: 0024_stats_cube_keys

The triggers of 0005/0024 added each statement's changes to the cube's cells with INSERT ... ON CONFLICT
DO UPDATE, so a transaction held the cells it changed until it committed: beside a nightly import (tens
of thousands of persons changed in one transaction, its write phase 27 s at 200,000 persons), every
caseworker's transition that touched one of those cells waited for the import's commit, and four such
waits held every gunicorn worker (docs/benchmarks.md, session 10). Now the triggers append their changes
to `stats_cube_delta` (plain inserts: no two writers wait for each other), the reads add them to the
cells, `stats_cube_fold()` moves them into the cells (beat task every few minutes) and the re-base, which
rebuilds the cells from the person table, deletes them. Fold and re-base share-lock / lock the meta row
as the triggers do, so a re-base never counts a delta twice.
"""
import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0025_stats_cube_deltas"
down_revision = "0024_stats_cube_keys"
branch_labels = None
depends_on = None

COLS = "district, age_index, nationality, status, sex, state"


def _previous():
    path = Path(__file__).with_name("0024_stats_cube_keys.py")
    spec = importlib.util.spec_from_file_location("stats_0024", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


UPSERT = (f"INSERT INTO stats_cube AS c (rollup, {COLS}, n, k) SELECT * FROM fresh "
          f"ON CONFLICT (rollup, {COLS}) DO UPDATE SET n = c.n + excluded.n, k = c.k + excluded.k;")
APPEND = f"INSERT INTO stats_cube_delta (rollup, {COLS}, n, k) SELECT * FROM fresh;"

FOLD = f"""
CREATE OR REPLACE FUNCTION stats_cube_fold() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE moved integer;
BEGIN
    -- As the triggers: a re-base (which updates this row and deletes the deltas) is never in between.
    PERFORM 1 FROM stats_cube_meta WHERE id = 1 FOR SHARE;
    WITH gone AS (DELETE FROM stats_cube_delta RETURNING rollup, {COLS}, n, k),
    summed AS (SELECT rollup, {COLS}, sum(n)::int AS n, sum(k)::int AS k FROM gone
               GROUP BY rollup, {COLS})
    INSERT INTO stats_cube AS c (rollup, {COLS}, n, k) SELECT * FROM summed
    ON CONFLICT (rollup, {COLS}) DO UPDATE SET n = c.n + excluded.n, k = c.k + excluded.k;
    GET DIAGNOSTICS moved = ROW_COUNT;
    DELETE FROM stats_cube WHERE n = 0 AND k = 0;
    RETURN moved;
END $$;
"""


def upgrade():
    op.create_table(
        "stats_cube_delta",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("rollup", sa.SmallInteger(), nullable=False),
        sa.Column("district", sa.String(length=2), nullable=False),
        sa.Column("age_index", sa.SmallInteger(), nullable=False),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stats_cube_delta")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    old = _previous()
    function = old.FUNCTION
    assert function.count(UPSERT) == 3, "0024's trigger function is not what this migration expects"
    op.execute(function.replace(UPSERT, APPEND))
    assert old.REBASE.count("END $$;") == 1
    op.execute(old.REBASE.replace("END $$;", "    DELETE FROM stats_cube_delta;\nEND $$;"))
    op.execute(FOLD)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT stats_cube_fold()")
        old = _previous()
        op.execute(old.FUNCTION)
        op.execute(old.REBASE)
        op.execute("DROP FUNCTION IF EXISTS stats_cube_fold()")
    op.drop_table("stats_cube_delta")
