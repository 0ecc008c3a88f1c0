"""Bulk-writes demo rows: COPY on PostgreSQL, executemany on SQLite, all in the caller's transaction."""
from __future__ import annotations

from sqlalchemy import inspect, text

from caseapp.demo.rows import ORDER, TABLES

# Tables that must be empty before the demo city is written (seeded tables such as office do not count).
CONTENT_TABLES = {
    "person": "Personen", "household": "Haushalte", "shelter": "Unterkünfte", "stay": "Belegungen",
    "transition": "Übergänge", "user": "Benutzerkonten",
}


class NotEmpty(RuntimeError):
    """The demo city is only ever written into an empty, migrated database."""


def ensure_empty(connection) -> None:
    if not inspect(connection).has_table("person"):
        raise NotEmpty("Die Datenbank hat noch kein Schema: zuerst `caseapp db upgrade` ausführen.")
    found = []
    for table, label in CONTENT_TABLES.items():
        n = connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
        if n:
            found.append(f"{n} {label}")
    if found:
        raise NotEmpty(
            "Die Datenbank ist nicht leer (" + ", ".join(found) + "). Die Demo-Stadt wird nur in eine leere "
            "Datenbank geschrieben: neue Datenbank anlegen und `caseapp db upgrade` ausführen."
        )


def write_rows(connection, rows: dict[str, list[tuple]]) -> None:
    if connection.dialect.name == "postgresql":
        _copy(connection, rows)
    else:
        _executemany(connection, rows)


# The capacity rules of the stay triggers (migration 0002), checked once for the whole load: occupancy per
# room and day from +1 at each start and -1 at each (exclusive) end, and today's residents per shelter.
OVERFULL_ROOM = """
    WITH change AS (
        SELECT room_id, start_date AS day, 1 AS delta FROM stay
        UNION ALL SELECT room_id, end_date, -1 FROM stay WHERE end_date IS NOT NULL),
    occupancy AS (
        SELECT room_id, day, sum(sum(delta)) OVER (PARTITION BY room_id ORDER BY day) AS persons
        FROM change GROUP BY room_id, day)
    SELECT o.room_id, o.day, o.persons FROM occupancy o JOIN room r ON r.id = o.room_id
    WHERE o.persons > r.beds - r.blocked_beds LIMIT 1
"""
OVERFULL_SHELTER = """
    SELECT r.shelter_id, count(*) FROM stay s JOIN room r ON r.id = s.room_id
    JOIN shelter h ON h.id = r.shelter_id
    WHERE s.end_date IS NULL GROUP BY r.shelter_id, h.fire_safety_max
    HAVING h.fire_safety_max IS NOT NULL AND count(*) > h.fire_safety_max LIMIT 1
"""


def _copy(connection, rows) -> None:
    raw = connection.connection.driver_connection  # the psycopg connection, same transaction
    with raw.cursor() as cur:
        for table in ORDER:
            if table == "stay":
                _copy_stays(raw, cur, rows[table])
            else:
                _copy_indexed(raw, cur, table, rows[table])
        # Ids were assigned here: move each serial sequence past them.
        for table in ORDER:
            if "id" in TABLES[table] and rows[table]:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), %s)",
                            (max(r[0] for r in rows[table]),))


PLAIN_INDEXES = """
    SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
"""


# Tables a statement trigger fills from a COPY into the key table (migration 0020: the name word index).
TRIGGER_FILLED = {"person": ("person_name_word",)}


def _copy_table(cur, table: str, rows) -> None:
    columns = ", ".join(f'"{c}"' for c in TABLES[table])
    with cur.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def _copy_indexed(raw, cur, table: str, rows) -> None:
    """COPY into a large table with its plain (non-unique, non-constraint) indexes built afterwards in one
    pass: maintaining a trigram index row by row costs several times more (so are the indexes of the
    tables its triggers fill). Unique indexes and
    constraints stay in place; without the right to drop indexes, they are simply maintained."""
    import psycopg

    indexes = []
    if len(rows) > 500:
        for target in (table, *TRIGGER_FILLED.get(table, ())):
            indexes += cur.execute(PLAIN_INDEXES, (f'"{target}"',)).fetchall()
    try:
        with raw.transaction():
            for name, _ in indexes:
                cur.execute(f'DROP INDEX "{name}"')
    except psycopg.errors.InsufficientPrivilege:
        indexes = []
    _copy_table(cur, table, rows)
    for _, definition in indexes:
        cur.execute(definition)


def _copy_stays(raw, cur, rows) -> None:
    """The row triggers on stay re-count a room's history for every new stay (seconds for a whole city).
    For this one load into an empty database they are switched off and their rules checked once,
    set-based, in the same transaction; without the right to do so, the triggers simply run."""
    import psycopg

    try:
        with raw.transaction():  # a savepoint: a refused ALTER leaves the load intact
            cur.execute("ALTER TABLE stay DISABLE TRIGGER USER")
    except psycopg.errors.InsufficientPrivilege:
        _copy_table(cur, "stay", rows)
        return
    _copy_table(cur, "stay", rows)
    cur.execute("ALTER TABLE stay ENABLE TRIGGER USER")
    for sql, what in ((OVERFULL_ROOM, "Zimmer"), (OVERFULL_SHELTER, "Unterkunft")):
        bad = cur.execute(sql).fetchone()
        if bad:
            raise RuntimeError(f"Demo-Daten überbelegen ein(e) {what}: {bad}")


def _executemany(connection, rows) -> None:
    raw = connection.connection.driver_connection  # sqlite3: plain executemany, dates as ISO text
    cur = raw.cursor()
    for table in ORDER:
        columns = TABLES[table]
        sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
        cur.executemany(sql, (tuple(_sqlite(v) for v in row) for row in rows[table]))


def _sqlite(value):
    # SQLAlchemy stores dates as 'YYYY-MM-DD' and datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' on SQLite.
    if hasattr(value, "hour"):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
