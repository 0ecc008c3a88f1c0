"""stats cube keys: each cube cell also sums its persons' record keys (the cell key of the cell-key method)

Revision ID: 0024_stats_cube_keys
Revises: 0023_forecast_evaluation

An aggregate reader's statistics are published by the cell-key method, which needs each cell's sum of
record keys; until now that meant a GROUP BY over person for every protected request (1.3-1.5 s at a
million persons, past the 1 s budget, so the analyst's statistics page was refused there). The cube's
triggers and re-base now keep `k` beside `n`, so today's protected figures come from the cube too. The
cube is marked "not built"; the next query (or the nightly re-base) builds it with the keys.
"""
import sqlalchemy as sa
from alembic import op

revision = "0024_stats_cube_keys"
down_revision = "0023_forecast_evaluation"
branch_labels = None
depends_on = None

# As 0005 with 0014's change (a person known only from other offices has no residence status, and the
# cube's status column is NOT NULL), and `k` beside the count.
POP = "('arrived', 'accommodated', 'housed')"
AGE = "((SELECT count(*) FROM unnest(cuts) AS x WHERE {t}.birth_date <= x)::int - 1)"
KEY = (
    "coalesce({t}.district_number, ''), "
    + AGE
    + ", {t}.nationality, coalesce({t}.residence_status, ''), {t}.sex, {t}.state"
)
COLS = "district, age_index, nationality, status, sex, state"
ROLLUPS = {0: COLS, 1: "district, age_index, nationality, '', '', ''"}


def _upsert(source: str, total: str, replace: bool = False) -> str:
    """As in 0005, with `k` (sum of record keys) beside the count `total`."""
    selects = []
    for rollup, columns in ROLLUPS.items():
        keys = [c for c in columns.split(", ") if c != "''"]
        selects.append(f"SELECT {rollup}, {columns}, sum({total})::int, sum(rk)::int FROM d "
                       f"GROUP BY {', '.join(keys)} HAVING sum({total}) <> 0 OR sum(rk) <> 0")
    with_ = (f"WITH d ({COLS}, {total}, rk) AS ({source}), "
             f"fresh (rollup, {COLS}, n, k) AS ({' UNION ALL '.join(selects)})")
    if not replace:
        return (f"{with_} INSERT INTO stats_cube AS c (rollup, {COLS}, n, k) SELECT * FROM fresh "
                f"ON CONFLICT (rollup, {COLS}) DO UPDATE SET n = c.n + excluded.n, k = c.k + excluded.k;")
    return (f"{with_}, gone AS (DELETE FROM stats_cube AS o WHERE NOT EXISTS (SELECT 1 FROM fresh AS f "
            f"WHERE (f.rollup, {', '.join('f.' + c for c in COLS.split(', '))}) "
            f"= (o.rollup, {', '.join('o.' + c for c in COLS.split(', '))}))) "
            f"INSERT INTO stats_cube AS c (rollup, {COLS}, n, k) SELECT * FROM fresh "
            f"ON CONFLICT (rollup, {COLS}) DO UPDATE SET n = excluded.n, k = excluded.k "
            f"WHERE c.n <> excluded.n OR c.k <> excluded.k;")


def _deltas(parts: list[tuple[str, str]]) -> str:
    rows = " UNION ALL ".join(
        f"SELECT {KEY.format(t='t')}, {sign}1, {sign}t.record_key::int FROM {table} AS t "
        f"WHERE t.state IN {POP}"
        for table, sign in parts
    )
    return _upsert(rows, "v")


FUNCTION = f"""
CREATE OR REPLACE FUNCTION stats_cube_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE cuts date[];
BEGIN
    -- FOR SHARE: a re-base (which updates this row) waits for writers in flight, and vice versa.
    SELECT string_to_array(m.cutoffs, ',')::date[] INTO cuts
        FROM stats_cube_meta AS m WHERE m.id = 1 FOR SHARE;
    IF cuts IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        {_deltas([("new_rows", "+")])}
    ELSIF TG_OP = 'DELETE' THEN
        {_deltas([("old_rows", "-")])}
    ELSE
        {_deltas([("old_rows", "-"), ("new_rows", "+")])}
    END IF;
    RETURN NULL;
END $$;
"""

REBASE = f"""
CREATE OR REPLACE FUNCTION stats_cube_rebase(ref date, cutoff_text text, group_text text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE cuts date[] := string_to_array(cutoff_text, ',')::date[];
BEGIN
    UPDATE stats_cube_meta SET ref_day = ref, cutoffs = cutoff_text, groups = group_text,
        rebased_at = now() WHERE id = 1;
    {_upsert(f"SELECT {KEY.format(t='p')}, count(*), sum(p.record_key) FROM person AS p "
             f"WHERE p.state IN {POP} GROUP BY 1, 2, 3, 4, 5, 6", "count", replace=True)}
END $$;
"""

NOT_BUILT = ("UPDATE stats_cube_meta SET ref_day = NULL, cutoffs = NULL, groups = NULL WHERE id = 1; "
             "DELETE FROM stats_cube;")


def upgrade():
    op.add_column("stats_cube", sa.Column("k", sa.Integer(), server_default="0", nullable=False))
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute(REBASE)
    op.execute(NOT_BUILT)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        import importlib.util
        from pathlib import Path

        spec = importlib.util.spec_from_file_location("stats_0005", Path(__file__).with_name("0005_stats.py"))
        old = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(old)
        op.execute(NOT_BUILT)
        for sql in (old.FUNCTION, old.REBASE):  # as 0014 left them
            sql = sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
            for t in ("t", "p"):
                sql = sql.replace(f"{t}.residence_status", f"coalesce({t}.residence_status, '')")
            op.execute(sql)
    op.drop_column("stats_cube", "k")
