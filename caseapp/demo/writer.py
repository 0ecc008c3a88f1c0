"""Bulk-writes demo rows: COPY on PostgreSQL, executemany on SQLite, all in the caller's transaction."""
from __future__ import annotations

from sqlalchemy import text

from caseapp.demo.rows import ORDER, TABLES

# Tables that must be empty before the demo city is written (seeded tables such as office do not count).
CONTENT_TABLES = {
    "person": "Personen", "household": "Haushalte", "shelter": "Unterkünfte", "stay": "Belegungen",
    "transition": "Übergänge", "user": "Benutzerkonten",
}


class NotEmpty(RuntimeError):
    pass


def ensure_empty(connection) -> None:
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


def _copy(connection, rows) -> None:
    raw = connection.connection.driver_connection  # the psycopg connection, same transaction
    with raw.cursor() as cur:
        for table in ORDER:
            columns = ", ".join(f'"{c}"' for c in TABLES[table])
            with cur.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in rows[table]:
                    copy.write_row(row)
        # Ids were assigned here: move each serial sequence past them.
        for table in ORDER:
            if "id" in TABLES[table] and rows[table]:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), %s)",
                            (max(r[0] for r in rows[table]),))


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
