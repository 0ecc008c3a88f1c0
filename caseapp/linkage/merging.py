"""The set-based mechanics of merging persons and restoring a merged one; operations.py decides and audits.

Every table with a foreign key to `person.id` follows the merge, found from the metadata, so a table
another area adds later (office facts, follow-ups) moves too without a change here:
- a table whose primary key does not contain the person column: its rows are re-pointed to the
  survivor and their primary keys kept in the merge record;
- a table whose primary key contains it (office membership, field provenance): rows the survivor lacks
  are re-pointed, rows it already has are dropped, and both are kept in the merge record.
The merged person's row and nationalities are kept as a snapshot and the row removed, so nothing
counts a human twice. Transitions (`transition.entity_id`) and audit rows stay under the merged id:
the audit trail is append-only, and the lifecycle history of one id must stay one timeline for the
statistics of past days (stats.queries.state_on); both are found through the merge record.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, and_, bindparam, delete, insert, select, update

from caseapp.extensions import db

# Identity of a person, kept in the snapshot and restored by a split; not moved by the generic mover.
SPECIAL = {"person", "person_nationality"}


class MergeRefused(ValueError):
    """A merge that would break a rule of the data; the message is German and shown as is."""


def person_fks() -> list[tuple]:
    """(table, person column) of every table with a foreign key to person.id, except the special ones."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in SPECIAL:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "person" and fk.column.name == "id":
                found.append((table, fk.parent))
    return found


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _from_json(column, value):
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value[:10])
    return value


_LAYOUTS: dict[str, tuple[list[str], frozenset[int]]] = {}


def _layout(table) -> tuple[list[str], frozenset[int]]:
    if table.name not in _LAYOUTS:
        _LAYOUTS[table.name] = ([c.name for c in table.columns], frozenset(
            i for i, c in enumerate(table.columns) if isinstance(c.type, Date | DateTime)))
    return _LAYOUTS[table.name]


def _row_dict(table, row) -> dict:
    """A row as JSON-ready values; only date and time columns need converting (50,000 rows per import)."""
    names, timed = _layout(table)
    if not timed:
        return dict(zip(names, row))
    return {n: (_jsonable(v) if i in timed else v) for i, (n, v) in enumerate(zip(names, row))}


def _restore_row(table, data: dict) -> dict:
    return {c.name: _from_json(c, data.get(c.name)) for c in table.columns if c.name in data}


def check_stays(survivor_id: int, merged_id: int) -> None:
    """Two persons whose stays overlap in time (two beds at once, e.g. both accommodated now) are not
    merged: which bed is right is a shelter decision, so the merge is refused until one stay ends."""
    stay = db.metadata.tables.get("stay")
    if stay is None:
        return
    rows = db.session.execute(
        select(stay.c.person_id, stay.c.start_date, stay.c.end_date).where(
            stay.c.person_id.in_([survivor_id, merged_id])
        )
    ).all()
    mine = [r for r in rows if r[0] == survivor_id]
    theirs = [r for r in rows if r[0] == merged_id]
    for _, s1, e1 in mine:
        for _, s2, e2 in theirs:
            if s1 < (e2 or date.max) and s2 < (e1 or date.max):
                raise MergeRefused(
                    f"Person Nr. {survivor_id} und Person Nr. {merged_id} haben Belegungen, die sich "
                    "zeitlich überschneiden (zwei Betten zugleich). Bitte zuerst eine der Belegungen "
                    "beenden, dann zusammenführen."
                )


def merge_rows(survivor_id: int, merged_id: int) -> dict:
    """Move everything of `merged_id` to `survivor_id`, remove the merged row; returns the snapshot."""
    person = db.metadata.tables["person"]
    nat = db.metadata.tables["person_nationality"]
    row = db.session.execute(select(person).where(person.c.id == merged_id)).one()
    snapshot = {
        "person": _row_dict(person, row),
        "nationalities": [
            _row_dict(nat, r)
            for r in db.session.execute(
                select(nat).where(nat.c.person_id == merged_id).order_by(nat.c.position)
            )
        ],
        "moved": {},
        "dropped": {},
    }
    for table, column in person_fks():
        pk = list(table.primary_key.columns)
        if column not in pk:
            ids = [r[0] for r in db.session.execute(select(pk[0]).where(column == merged_id))]
            if ids:
                db.session.execute(
                    update(table).where(column == merged_id).values({column.name: survivor_id})
                )
                snapshot["moved"][table.name] = ids
            continue
        others = [c for c in pk if c is not column]
        rows = db.session.execute(select(table).where(column == merged_id)).all()
        if not rows:
            continue
        have = {tuple(r) for r in db.session.execute(select(*others).where(column == survivor_id))}
        moved, dropped = [], []
        for r in rows:
            data = _row_dict(table, r)
            key = tuple(r._mapping[c.name] for c in others)
            cond = and_(column == merged_id, *[c == v for c, v in zip(others, key)])
            if key in have:
                dropped.append(data)
                db.session.execute(delete(table).where(cond))
            else:
                moved.append([_jsonable(v) for v in key])
                db.session.execute(update(table).where(cond).values({column.name: survivor_id}))
        snapshot["moved"][table.name] = moved
        snapshot["dropped"][table.name] = dropped
    db.session.execute(delete(nat).where(nat.c.person_id == merged_id))
    db.session.execute(delete(person).where(person.c.id == merged_id))
    return snapshot


def restore_rows(survivor_id: int, merged_id: int, snapshot: dict) -> None:
    """Undo `merge_rows`: the merged person again under its old id, with what the merge had moved."""
    person = db.metadata.tables["person"]
    nat = db.metadata.tables["person_nationality"]
    data = _restore_row(person, snapshot["person"])
    azr = data.get("azr_number")
    if azr:  # the survivor may have taken the number over; it goes back with its record
        db.session.execute(
            update(person)
            .where(person.c.id == survivor_id, person.c.azr_number == azr)
            .values(azr_number=None)
        )
    db.session.execute(insert(person).values(data))
    for n in snapshot["nationalities"]:
        db.session.execute(insert(nat).values(_restore_row(nat, n)))
    tables = {t.name: (t, c) for t, c in person_fks()}
    for name, ids in snapshot["moved"].items():
        if name not in tables or not ids:
            continue
        table, column = tables[name]
        pk = list(table.primary_key.columns)
        if column not in pk:
            db.session.execute(
                update(table).where(pk[0].in_(ids), column == survivor_id).values({column.name: merged_id})
            )
            continue
        others = [c for c in pk if c is not column]
        for key in ids:
            values = [_from_json(c, v) for c, v in zip(others, key)]
            db.session.execute(
                update(table)
                .where(column == survivor_id, *[c == v for c, v in zip(others, values)])
                .values({column.name: merged_id})
            )
    for name, rows in snapshot.get("dropped", {}).items():
        if name in tables:
            for r in rows:
                db.session.execute(insert(tables[name][0]).values(_restore_row(tables[name][0], r)))


def _chunks(values: list, size: int = 5000):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _among(column, ids: list[int]):
    """`column IN ids`; on PostgreSQL one array parameter (`= ANY(...)`): thousands of placeholders cost
    more to build and parse than the query itself takes (3 s of an import's 9 s of merging)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import Integer, any_
        from sqlalchemy.dialects.postgresql import ARRAY

        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)


def _parts(ids: list[int]):
    """The ids in parts small enough for the dialect (PostgreSQL takes them all as one array)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return [ids] if ids else []
    return list(_chunks(ids))


def _repoint(table, key, column, moves: list[tuple]) -> None:
    """Set `column` of the rows with primary key `key` to a new person: (key, new person) pairs."""
    from caseapp.sources import bulk

    if bulk.dialect() == "postgresql":
        sql_type = "bigint" if key.type.python_type is int else "text"
        bulk.update_rows(table.name, [{key.name: k, column.name: to} for k, to in moves],
                         {key.name: sql_type, column.name: "int"}, key=key.name)
        return
    stmt = update(table).where(key == bindparam("k")).values({column.name: bindparam("to")})
    db.session.connection().execute(stmt, [{"k": k, "to": to} for k, to in moves])


def insert_rows(table, rows: list[dict]) -> None:
    """Insert rows of a table (each with the same keys; columns left out take their defaults); by COPY on
    PostgreSQL (JSON values wrapped for the driver)."""
    from sqlalchemy import JSON

    from caseapp.sources import bulk

    if bulk.dialect() != "postgresql":
        db.session.connection().execute(insert(table), rows)
        return
    from psycopg.types.json import Json

    if not rows:
        return
    names = [c.name for c in table.columns if c.name in rows[0]]
    json_cols = {c.name for c in table.columns if isinstance(c.type, JSON)}
    bulk.copy_rows(table.name, names, [
        tuple(Json(r.get(n)) if n in json_cols and r.get(n) is not None else r.get(n) for n in names)
        for r in rows
    ])


def merge_many(pairs: list[tuple[int, int]]) -> dict[int, dict]:
    """`merge_rows` for many (survivor, merged) pairs at once, set-based (the import's links): a few
    statements per table instead of a few per person. Returns the snapshot per merged id."""
    person = db.metadata.tables["person"]
    nat = db.metadata.tables["person_nationality"]
    into = {m: s for s, m in pairs}
    merged = list(into)
    snaps: dict[int, dict] = {}
    conn = db.session.connection()
    for part in _parts(merged):
        for r in conn.execute(select(person).where(_among(person.c.id, part))):
            snaps[r.id] = {"person": _row_dict(person, r), "nationalities": [], "moved": {}, "dropped": {}}
        for r in conn.execute(
            select(nat).where(_among(nat.c.person_id, part)).order_by(nat.c.person_id, nat.c.position)
        ):
            snaps[r.person_id]["nationalities"].append(_row_dict(nat, r))
    for table, column in person_fks():
        pk = list(table.primary_key.columns)
        if column not in pk:
            moves = []
            for part in _parts(merged):
                for key, owner in conn.execute(select(pk[0], column).where(_among(column, part))):
                    snaps[owner]["moved"].setdefault(table.name, []).append(key)
                    moves.append((key, into[owner]))
            if moves:
                _repoint(table, pk[0], column, moves)
            continue
        others = [c for c in pk if c is not column]
        rows = [r for part in _parts(merged) for r in conn.execute(select(table).where(_among(column, part)))]
        if not rows:
            continue
        survivors = list(set(into.values()))
        have = {
            tuple(r)
            for part in _parts(survivors)
            for r in conn.execute(select(column, *others).where(_among(column, part)))
        }
        inserts = []
        for r in rows:
            data = _row_dict(table, r)
            owner = r._mapping[column.name]
            key = tuple(r._mapping[c.name] for c in others)
            snap = snaps[owner]
            if (into[owner], *key) in have:
                snap["dropped"].setdefault(table.name, []).append(data)
            else:
                have.add((into[owner], *key))
                snap["moved"].setdefault(table.name, []).append([_jsonable(v) for v in key])
                inserts.append({**dict(r._mapping), column.name: into[owner]})
        for part in _parts(merged):
            conn.execute(delete(table).where(_among(column, part)))
        if inserts:
            insert_rows(table, inserts)
    for part in _parts(merged):
        conn.execute(delete(nat).where(_among(nat.c.person_id, part)))
        conn.execute(delete(person).where(_among(person.c.id, part)))
    return snaps
