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
        with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
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


def iter_rows(sql: str, params: dict, *, batch: int = 20_000):
    """Many rows one batch at a time (a server-side cursor on PostgreSQL): a source's million known
    records are turned into the importer's state without a million-row result held beside it."""
    if dialect() != "postgresql":
        yield from (tuple(r) for r in connection().execute(text(sql), params))
        return
    import re

    psql = re.sub(r":(\w+)", r"%(\1)s", sql)
    with connection().connection.driver_connection.cursor(name="caseapp_rows") as cur:
        cur.itersize = batch
        cur.execute(psql, params)
        yield from cur


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


def update_rows(table: str, rows: list[dict], types: dict[str, str], *, key: str = "id",
                extra_set: str = "") -> None:
    """UPDATE many rows by key; on PostgreSQL one statement over unnest()ed arrays (types: SQL types)."""
    if not rows:
        return
    cols = [c for c in types if c != key]
    sets = ", ".join(f'"{c}" = v."{c}"' for c in cols) + (f", {extra_set}" if extra_set else "")
    if dialect() == "postgresql":
        names = ", ".join(f'"{c}"' for c in (key, *cols))
        arrays = ", ".join(f"%s::{types[c]}[]" for c in (key, *cols))
        sql = (f'UPDATE "{table}" AS t SET {sets} FROM unnest({arrays}) AS v({names}) '
               f'WHERE t."{key}" = v."{key}"')
        with connection().connection.driver_connection.cursor() as cur:
            cur.execute(sql, [[r[c] for r in rows] for c in (key, *cols)])
        return
    plain = ", ".join(f'"{c}" = :{c}' for c in cols) + (f", {extra_set}" if extra_set else "")
    execute_many(f'UPDATE "{table}" SET {plain} WHERE "{key}" = :{key}', rows)


def upsert_rows(table: str, rows: list[dict], types: dict[str, str], *, conflict: tuple[str, ...],
                extra_set: str = "") -> None:
    """INSERT many rows, updating the non-key columns where the conflict key exists already."""
    if not rows:
        return
    cols = list(types)
    names = ", ".join(f'"{c}"' for c in cols)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols if c not in conflict)
    tail = (f' ON CONFLICT ({", ".join(conflict)}) DO UPDATE SET {updates}'
            + (f", {extra_set}" if extra_set else ""))
    if dialect() == "postgresql":
        arrays = ", ".join(f"%s::{types[c]}[]" for c in cols)
        sql = f'INSERT INTO "{table}" ({names}) SELECT * FROM unnest({arrays}){tail}'
        with connection().connection.driver_connection.cursor() as cur:
            cur.execute(sql, [[r[c] for r in rows] for c in cols])
        return
    marks = ", ".join(f":{c}" for c in cols)
    execute_many(f'INSERT INTO "{table}" ({names}) VALUES ({marks}){tail}', rows)


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
        connection().execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"caseapp:sync:{code}"}
        )
    else:
        # Takes SQLite's write lock now, so ids allocated from MAX(id) stay ours.
        connection().execute(text("UPDATE source SET active = active WHERE code = :c"), {"c": code})
