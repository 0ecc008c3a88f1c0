"""Set-based writes for syncs: ids in blocks and rows by COPY on PostgreSQL, Core executemany elsewhere.

Everything runs on the session's own connection, inside the caller's transaction: the import is one
transaction, so a killed worker leaves nothing half-written.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import bindparam, text

from caseapp.extensions import db

CHUNK = 5000


def dialect() -> str:
    return db.session.get_bind().dialect.name


def connection():
    return db.session.connection()


def allocate_ids(table: str, n: int) -> list[int]:
    """n fresh primary keys for `table` (its id column), reserved for this transaction."""
    if n <= 0:
        return []
    conn = connection()
    if dialect() == "postgresql":
        rows = conn.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table, "n": n},
        )
        return [r[0] for r in rows]
    # SQLite: the caller already holds the write lock (it has written in this transaction), so the
    # maximum cannot move under us; INTEGER PRIMARY KEY takes any explicit value.
    start = conn.execute(text(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')).scalar_one() + 1
    return list(range(start, start + n))


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert rows (tuples in `columns` order); COPY on PostgreSQL. Returns the number written."""
    rows = list(rows)
    if not rows:
        return 0
    cols = ", ".join(f'"{c}"' for c in columns)
    conn = connection()
    if dialect() == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        return len(rows)
    marks = ", ".join(f":{c}" for c in columns)
    stmt = text(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})')
    for start in range(0, len(rows), CHUNK):
        conn.execute(stmt, [dict(zip(columns, r)) for r in rows[start:start + CHUNK]])
    return len(rows)


def fetch_all(sql: str, params: dict) -> list[tuple]:
    """Many rows, fast: the driver's own tuples, without SQLAlchemy's row processing."""
    return [tuple(r) for r in connection().execute(text(sql), params).all()] if dialect() != "postgresql" \
        else _driver_fetch(sql, params)


def _driver_fetch(sql: str, params: dict) -> list[tuple]:
    import re

    psql = re.sub(r":(\w+)", r"%(\1)s", sql)
    with connection().connection.driver_connection.cursor() as cur:
        cur.execute(psql, params)
        return cur.fetchall()


def execute_many(sql: str, params: list[dict]) -> None:
    if not params:
        return
    conn = connection()
    stmt = text(sql)
    for start in range(0, len(params), CHUNK):
        conn.execute(stmt, params[start:start + CHUNK])


def select_in(sql: str, name: str, values: Iterable, extra: dict | None = None) -> list:
    """Run `sql` (with `IN :name`) over the values in chunks; returns all rows."""
    values = list(values)
    out: list = []
    conn = connection()
    if dialect() == "postgresql":
        # One array parameter instead of thousands of placeholders.
        stmt = text(sql.replace(f"IN :{name}", f"= ANY(:{name})"))
        return conn.execute(stmt, {name: values, **(extra or {})}).all()
    stmt = text(sql).bindparams(bindparam(name, expanding=True))
    for start in range(0, len(values), CHUNK):
        params = {name: values[start:start + CHUNK], **(extra or {})}
        out.extend(conn.execute(stmt, params).all())
    return out


def lock_source(code: str) -> None:
    """Serialise syncs of one source, whichever driver started them (CLI, task, admin)."""
    if dialect() == "postgresql":
        connection().execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"caseapp:sync:{code}"})
    else:
        # Takes SQLite's write lock now, so ids allocated from MAX(id) stay ours.
        connection().execute(text("UPDATE source SET active = active WHERE code = :c"), {"c": code})
