"""stats: the population cube and, on PostgreSQL, the triggers that keep it current.

Revision ID: 0005
Revises: 0004

The trigger function is statement-level with transition tables: one aggregated upsert per statement on
person, so a bulk load of 200,000 rows costs one grouped insert, not 200,000. The cube starts "not
built" (ref_day NULL); caseapp/stats/cube.py builds it on first use and a daily beat task re-bases it.
SQLite gets the two tables only (the statistics there always count from person).
"""
import flask_security  # noqa: F401
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

POP = "('arrived', 'accommodated', 'housed')"
AGE = "((SELECT count(*) FROM unnest(cuts) AS x WHERE {t}.birth_date <= x)::int - 1)"
KEY = (
    "coalesce({t}.district_number, ''), "
    + AGE
    + ", {t}.nationality, {t}.residence_status, {t}.sex, {t}.state"
)
COLS = "district, age_index, nationality, status, sex, state"
# Rollup 0 is the full key; rollup 1 keeps district, age and nationality ('' elsewhere), so the most
# asked table (district x age group x nationality) reads ~5,000 rows instead of ~25,000 at 200k
# persons. caseapp/stats/cube.py ROLLUPS must name the same columns.
ROLLUPS = {0: COLS, 1: "district, age_index, nationality, '', '', ''"}


def _upsert(source: str, total: str, replace: bool = False) -> str:
    """Upsert the rows of CTE `d` (key columns + `total`) into every rollup.

    replace=False adds them to the counts (trigger deltas). replace=True makes the cube equal to them
    (re-base): rows not in `d` are deleted, and only counts that differ are written, so a daily re-base
    leaves few dead rows behind (most cells do not change from one day to the next).
    """
    selects = []
    for rollup, columns in ROLLUPS.items():
        keys = [c for c in columns.split(", ") if c != "''"]
        selects.append(f"SELECT {rollup}, {columns}, sum({total})::int FROM d GROUP BY {', '.join(keys)} "
                       f"HAVING sum({total}) <> 0")
    with_ = (f"WITH d ({COLS}, {total}) AS ({source}), "
             f"fresh (rollup, {COLS}, n) AS ({' UNION ALL '.join(selects)})")
    if not replace:
        return (f"{with_} INSERT INTO stats_cube AS c (rollup, {COLS}, n) SELECT * FROM fresh "
                f"ON CONFLICT (rollup, {COLS}) DO UPDATE SET n = c.n + excluded.n;")
    return (f"{with_}, gone AS (DELETE FROM stats_cube AS o WHERE NOT EXISTS (SELECT 1 FROM fresh AS f "
            f"WHERE (f.rollup, {', '.join('f.' + c for c in COLS.split(', '))}) "
            f"= (o.rollup, {', '.join('o.' + c for c in COLS.split(', '))}))) "
            f"INSERT INTO stats_cube AS c (rollup, {COLS}, n) SELECT * FROM fresh "
            f"ON CONFLICT (rollup, {COLS}) DO UPDATE SET n = excluded.n WHERE c.n <> excluded.n;")


def _deltas(parts: list[tuple[str, str]]) -> str:
    """parts: (transition table, sign) -> one upsert of the summed deltas (keys netting to 0 left out)."""
    rows = " UNION ALL ".join(
        f"SELECT {KEY.format(t='t')}, {sign}1 FROM {table} AS t WHERE t.state IN {POP}"
        for table, sign in parts
    )
    return _upsert(rows, "v")


FUNCTION = f"""
CREATE FUNCTION stats_cube_apply() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE FUNCTION stats_cube_rebase(ref date, cutoff_text text, group_text text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE cuts date[] := string_to_array(cutoff_text, ',')::date[];
BEGIN
    UPDATE stats_cube_meta SET ref_day = ref, cutoffs = cutoff_text, groups = group_text,
        rebased_at = now() WHERE id = 1;
    {_upsert(f"SELECT {KEY.format(t='p')}, count(*) FROM person AS p WHERE p.state IN {POP} "
             f"GROUP BY 1, 2, 3, 4, 5, 6", "count", replace=True)}
END $$;
"""

RESET = """
CREATE FUNCTION stats_cube_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- TRUNCATE person fires no row events: mark the cube "not built"; the next query re-builds it.
    UPDATE stats_cube_meta SET ref_day = NULL, cutoffs = NULL, groups = NULL WHERE id = 1;
    DELETE FROM stats_cube;
    RETURN NULL;
END $$;
"""

TRIGGERS = [
    ("stats_cube_ins", "INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("stats_cube_upd", "UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("stats_cube_del", "DELETE", "REFERENCING OLD TABLE AS old_rows"),
]


def upgrade():
    op.create_table(
        "stats_cube",
        sa.Column("rollup", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("district", sa.String(length=2), nullable=False),
        sa.Column("age_index", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("rollup", "district", "age_index", "nationality", "status", "sex", "state",
                                name=op.f("pk_stats_cube")),
    )
    op.create_table(
        "stats_cube_meta",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ref_day", sa.Date(), nullable=True),
        sa.Column("groups", sa.String(length=200), nullable=True),
        sa.Column("cutoffs", sa.String(length=400), nullable=True),
        sa.Column("rebased_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stats_cube_meta")),
    )
    op.execute("INSERT INTO stats_cube_meta (id) VALUES (1)")
    if op.get_bind().dialect.name != "postgresql":
        return
    # Room on each page for HOT updates: every write to person updates a few hot cube rows.
    op.execute("ALTER TABLE stats_cube SET (fillfactor = 50)")
    op.execute(FUNCTION)
    op.execute(REBASE)
    op.execute(RESET)
    op.execute("CREATE TRIGGER stats_cube_truncate AFTER TRUNCATE ON person "
               "FOR EACH STATEMENT EXECUTE FUNCTION stats_cube_reset()")
    for name, event, referencing in TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} AFTER {event} ON person {referencing} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION stats_cube_apply()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, _event, _referencing in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON person")
        op.execute("DROP TRIGGER IF EXISTS stats_cube_truncate ON person")
        op.execute("DROP FUNCTION IF EXISTS stats_cube_reset()")
        op.execute("DROP FUNCTION IF EXISTS stats_cube_rebase(date, text, text)")
        op.execute("DROP FUNCTION IF EXISTS stats_cube_apply()")
    op.drop_table("stats_cube_meta")
    op.drop_table("stats_cube")
