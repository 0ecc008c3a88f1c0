"""Today's population from the cube table on PostgreSQL: current after every write, no GROUP BY over person.

The cube (caseapp/stats/models.py, triggers in migration 0005) counts persons per key with their age
group as of a reference day R. Every write to `person` appends its changes per cell in the writer's own
transaction (`stats_cube_delta`, migration 0025: appended, not updated, so no writer waits for another
one's cell), and a read adds them to the cells, so a reader sees exactly the committed rows (plus its
own uncommitted ones) - no stale cache. The beat task caseapp.stats.fold moves the changes into the
cells every five minutes. Rollup 1
holds only district, age group and nationality (about 5,000 rows at 200,000 persons instead of
25,000); a query uses the smallest rollup that has all its dims and filters.

For a day D != R, only persons whose birthday between R and D moved them across an age-group boundary
(or who were not yet born on R) sit in the wrong group. One statement reads the cube and, from a
small indexed range scan on person.birth_date per boundary, the corrections: those persons at their
group on R (subtracted) and on D (added), merged in Python. The cube is re-based to today by a daily beat task
(caseapp.stats.rebase), and by the query itself when it is not built, built for other age groups, or
more than MAX_GAP_DAYS old. On SQLite, or when a re-base cannot get its lock at once, population()
counts from the person table as before.
"""
from __future__ import annotations

import logging
import time
from datetime import date

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from caseapp.extensions import db
from caseapp.stats import agegroups
from caseapp.stats.dims import HOUSING_BY_STATE, POPULATION_STATES

log = logging.getLogger(__name__)

MAX_GAP_DAYS = 2
LAST = "~"  # stands for the unknown district while sorting: after every code, as in queries.sort_rows
# Rollups of the cube (migration 0005): 1 holds only these dims, 0 all of them.
ROLLUPS = {1: {"district", "age_group", "nationality"}}
# The key columns of a cube cell (and of an appended change, stats_cube_delta).
CUBE_KEY = "district, age_index, nationality, status, sex, state"
# dim -> (cube column, person column)
COLUMNS = {
    "district": ("district", "coalesce(district_number, '')"),
    "nationality": ("nationality", "nationality"),
    "status": ("status", "residence_status"),
    "sex": ("sex", "sex"),
    "housing": ("state", "state"),
}
STATES_BY_HOUSING = {h: s for s, h in HOUSING_BY_STATE.items()}


def group_text(groups) -> str:
    return ",".join(g.label for g in groups)


def cutoff_list(groups, day: date) -> list[date]:
    """Latest birth date for age 0 (the day itself), then for each group's lower age: index = hits - 1."""
    return [day] + agegroups.cutoffs(groups, day)


def available() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def fold(connection=None) -> int:
    """Move the changes the person triggers appended (stats_cube_delta) into the cells; returns the number
    of cells touched. Waits only for a re-base, never for a writer."""
    conn = connection if connection is not None else db.session.connection()
    return int(conn.execute(text("SELECT stats_cube_fold()")).scalar() or 0)


def rebase(day: date, groups, connection=None) -> None:
    """Re-build the cube for reference day `day` in `connection` (default: the session's transaction)."""
    conn = connection if connection is not None else db.session.connection()
    cuts = ",".join(c.isoformat() for c in cutoff_list(groups, day))
    conn.execute(text("SELECT stats_cube_rebase(:d, :c, :g)"), {"d": day, "c": cuts, "g": group_text(groups)})


RETRY_AFTER_S = 30.0
_postponed_until = 0.0


def rebase_apart(day: date, groups) -> bool:
    """Re-base in a transaction of its own, committed at once; False when writers hold the cube.

    A writer in flight (perhaps the caller's own transaction, which then must not wait for itself)
    holds the meta row: give up after 50 ms and do not try again in this process for RETRY_AFTER_S,
    so a busy hour pays the wait once, not per request.
    """
    global _postponed_until
    if time.monotonic() < _postponed_until:
        return False
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '50ms'"))
            rebase(day, groups, conn)
            conn.commit()
        return True
    except DBAPIError as exc:
        _postponed_until = time.monotonic() + RETRY_AFTER_S
        log.info("stats cube re-base for %s postponed: %s", day, exc.orig)
        return False


def _meta():
    return db.session.execute(text("SELECT ref_day, groups FROM stats_cube_meta WHERE id = 1")).first()


def population_today(day, dims, filters, groups, *, keyed: bool = False):
    """Rows like queries.population() for `day` (with `keyed`, each with "key": the sum of its persons'
    record keys, like queries.keyed_population()), or None when the cube cannot answer."""
    if not available():
        return None
    meta = _meta()
    wanted = group_text(groups)
    if meta is None:
        return None
    if meta.ref_day is None or meta.groups != wanted or abs((day - meta.ref_day).days) > MAX_GAP_DAYS:
        if not rebase_apart(day, groups):
            return None
        meta = _meta()
        if meta.ref_day is None or meta.groups != wanted:
            return None
    for _attempt in range(3):
        rows, ref = _read(day, meta.ref_day, dims, filters, groups)
        if ref is None or ref == meta.ref_day:
            return _finish(rows, dims, filters, groups, keyed=keyed)
        meta = _meta()  # re-based between our two statements: read again with the new reference day
    return None


def _read(day: date, ref: date, dims, filters, groups):
    """One statement: cube at R, minus boundary-crossers at their group on R, plus them on D.

    Runs on the DBAPI cursor of the session's connection (plain tuples: Row objects cost more than the
    query at 5,000 cells). Returns ([(ref, *dims except age_group, idx, count)], ref).
    """
    params: dict = {"pop": list(POPULATION_STATES)}
    keys = [d for d in dims if d in COLUMNS]
    needed = set(dims) | set(filters)
    params["rollup"] = min((r for r, has in ROLLUPS.items() if needed <= has), default=0)
    # coalesce(): keep the planner off the indexes on state and the filtered dims (they match most rows);
    # the birth-date ranges are the selective filter.
    cube_where, person_where = ["rollup = %(rollup)s"], ["coalesce(state, '') = ANY(%(pop)s)"]
    for dim, values in filters.items():
        if dim == "age_group":
            continue
        if dim == "housing":
            values = [STATES_BY_HOUSING[v] for v in values if v in STATES_BY_HOUSING]
        # None and '' match nothing, as in the plain count ('' stands for "no district" in the cube).
        params[f"f_{dim}"] = [v for v in values if v is not None and v != ""]
        cube_where.append(f"{COLUMNS[dim][0]} = ANY(%(f_{dim})s)")
        person_where.append(f"coalesce({COLUMNS[dim][1]}, '') = ANY(%(f_{dim})s)")
    cube_cols = "".join(f"{COLUMNS[k][0]} AS {k}, " for k in keys)
    person_cols = "".join(f"{COLUMNS[k][1]} AS {k}, " for k in keys)
    # The cells and the changes appended since the last fold (migration 0025), added up below.
    cells_now = (f"(SELECT rollup, {CUBE_KEY}, n, k FROM stats_cube UNION ALL "
                 f"SELECT rollup, {CUBE_KEY}, n, k FROM stats_cube_delta) AS sc")
    parts = [f"SELECT {cube_cols}age_index AS idx, n, k FROM {cells_now} WHERE {' AND '.join(cube_where)}"]
    if day != ref:
        old, new = cutoff_list(groups, ref), cutoff_list(groups, day)
        params.update(old=old, new=new)
        ranges = []
        for i, (a, b) in enumerate(zip(old, new)):
            params[f"lo{i}"], params[f"hi{i}"] = min(a, b), max(a, b)
            ranges.append(f"(birth_date > %(lo{i})s AND birth_date <= %(hi{i})s)")
        where = " AND ".join(person_where) + f" AND ({' OR '.join(ranges)})"
        for cuts, sign in (("old", "-1"), ("new", "1")):
            idx = (f"(SELECT count(*) FROM unnest(CAST(%({cuts})s AS date[])) AS x "
                   "WHERE birth_date <= x)::int - 1")
            parts.append(f"SELECT {person_cols}{idx} AS idx, {sign} AS n, {sign} * record_key AS k "
                         f"FROM person WHERE {where}")
    # Values that sort in Python like queries.sort_rows: age index, housing label, unknown district LAST.
    housing = (
        "CASE housing " + " ".join(f"WHEN '{s}' THEN '{h}'" for s, h in HOUSING_BY_STATE.items()) + " END"
    )
    shown = {"age_group": "idx", "district": f"CASE district WHEN '' THEN '{LAST}' ELSE district END",
             "housing": housing}
    select = ["idx" if d == "age_group" else d for d in dims]
    columns = "".join(f"{shown.get(d, d)} AS {d}, " for d in dims)
    where = ["idx >= 0"]
    if "age_group" in filters:
        params["ages"] = [i for i, g in enumerate(groups) if g.label in filters["age_group"]]
        where.append("idx = ANY(%(ages)s)")
    ref_sql = "(SELECT ref_day FROM stats_cube_meta WHERE id = 1) AS ref"

    def cells(source: str) -> str:
        return (f"SELECT {columns}sum(n) AS n, sum(k) AS k FROM ({source}) AS u WHERE {' AND '.join(where)} "
                + (f"GROUP BY {', '.join(select)} " if select else "") + "HAVING sum(n) <> 0 OR sum(k) <> 0")

    # Always added up: a cell and the changes appended to it since the last fold are several rows.
    sql = f"SELECT m.*, 0 AS part, {ref_sql} FROM ({cells(parts[0])}) AS m"
    if len(parts) > 1:  # birthday crossers: few rows, added up in SQL, merged in _finish
        sql += f" UNION ALL SELECT c.*, 1, {ref_sql} FROM ({cells(' UNION ALL '.join(parts[1:]))}) AS c"
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    finally:
        cursor.close()
    return rows, (rows[0][-1] if rows else None)


def _finish(rows, dims, filters, groups, *, keyed: bool = False) -> list[dict]:
    """Cube tuples (*dims, count, key sum, part, ref) -> population() rows with labels (and "key" when
    keyed), in queries.sort_rows' order.

    The SQL already gave sortable values (age index, housing label, unknown district as LAST), so a
    plain tuple sort gives sort_rows' order; zip() drops what is not asked for.
    """
    if any(row[-2] for row in rows):  # corrections present: add them to the cube's cells
        totals: dict[tuple, list] = {}
        for row in rows:
            cell = totals.setdefault(row[:-4], [0, 0])
            cell[0] += row[-4]
            cell[1] += row[-3]
        rows = [(*key, n, k) for key, (n, k) in totals.items() if n]
    names = (*dims, "count", "key") if keyed else (*dims, "count")
    out = [dict(zip(names, cell)) for cell in sorted(rows)]
    if "age_group" in dims:
        labels = [g.label for g in groups]
        for row in out:
            row["age_group"] = labels[row["age_group"]]
    if "district" in dims:
        for row in out:
            if row["district"] == LAST:
                row["district"] = None
    return out
