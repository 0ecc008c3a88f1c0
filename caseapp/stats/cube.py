"""Today's population from the cube table on PostgreSQL: current after every write, no GROUP BY over person.

The cube (caseapp/stats/models.py, triggers in migration 0005) counts persons per key with their age
group as of a reference day R. Every write to `person` adjusts it in the writer's own transaction, so
a reader sees exactly the committed rows (plus its own uncommitted ones) - no stale cache.

For a day D != R, only persons whose birthday between R and D moved them across an age-group boundary
(or who were not yet born on R) sit in the wrong group. One statement reads the cube and, from two
small indexed range scans on person.birth_date per boundary, subtracts those persons at their group on
R and adds them at their group on D. The cube is re-based to today by a daily beat task
(caseapp.stats.rebase), and by the query itself when it is not built, built for other age groups, or
more than MAX_GAP_DAYS old. On SQLite, or when a re-base cannot get its lock at once, population()
counts from the person table as before.
"""
from __future__ import annotations

import logging
from datetime import date

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from caseapp.extensions import db
from caseapp.stats import agegroups
from caseapp.stats.dims import HOUSING_BY_STATE, POPULATION_STATES

log = logging.getLogger(__name__)

MAX_GAP_DAYS = 2
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


def rebase(day: date, groups, connection=None) -> None:
    """Re-build the cube for reference day `day` in `connection` (default: the session's transaction)."""
    conn = connection if connection is not None else db.session.connection()
    cuts = ",".join(c.isoformat() for c in cutoff_list(groups, day))
    conn.execute(text("SELECT stats_cube_rebase(:d, :c, :g)"), {"d": day, "c": cuts, "g": group_text(groups)})


def rebase_apart(day: date, groups) -> bool:
    """Re-base in a transaction of its own, committed at once; False when writers hold the cube."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '100ms'"))
            rebase(day, groups, conn)
            conn.commit()
        return True
    except DBAPIError as exc:  # a writer in flight (perhaps our own transaction): count from person
        log.info("stats cube re-base for %s postponed: %s", day, exc.orig)
        return False


def _meta():
    return db.session.execute(text("SELECT ref_day, groups FROM stats_cube_meta WHERE id = 1")).first()


def population_today(day, dims, filters, groups):
    """Rows like queries.population() for `day`, or None when the cube cannot answer."""
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
            return _finish(rows, dims, filters, groups)
        meta = _meta()  # re-based between our two statements: read again with the new reference day
    return None


def _read(day: date, ref: date, dims, filters, groups):
    """One statement: cube at R, minus boundary-crossers at their group on R, plus them on D."""
    params: dict = {"pop": list(POPULATION_STATES)}
    keys = [d for d in dims if d in COLUMNS]
    cube_where, person_where = ["TRUE"], ["state = ANY(:pop)"]
    for dim, values in filters.items():
        if dim == "age_group":
            continue
        if dim == "housing":
            values = [STATES_BY_HOUSING[v] for v in values if v in STATES_BY_HOUSING]
        params[f"f_{dim}"] = [v for v in values if v is not None]
        cube_where.append(f"{COLUMNS[dim][0]} = ANY(:f_{dim})")
        person_where.append(f"{COLUMNS[dim][1]} = ANY(:f_{dim})")
    cube_cols = "".join(f"{COLUMNS[k][0]} AS {k}, " for k in keys)
    person_cols = "".join(f"{COLUMNS[k][1]} AS {k}, " for k in keys)
    parts = [f"SELECT {cube_cols}age_index AS idx, n FROM stats_cube WHERE {' AND '.join(cube_where)}"]
    if day != ref:
        old, new = cutoff_list(groups, ref), cutoff_list(groups, day)
        params.update(old=old, new=new)
        ranges = []
        for i, (a, b) in enumerate(zip(old, new)):
            params[f"lo{i}"], params[f"hi{i}"] = min(a, b), max(a, b)
            ranges.append(f"(birth_date > :lo{i} AND birth_date <= :hi{i})")
        where = " AND ".join(person_where) + f" AND ({' OR '.join(ranges)})"
        for cuts, sign in (("old", "-1"), ("new", "1")):
            idx = f"(SELECT count(*) FROM unnest(CAST(:{cuts} AS date[])) AS x WHERE birth_date <= x)::int - 1"
            parts.append(f"SELECT {person_cols}{idx} AS idx, {sign} AS n FROM person WHERE {where}")
    group = "".join(f"{k}, " for k in keys)
    sql = (f"SELECT (SELECT ref_day FROM stats_cube_meta WHERE id = 1) AS ref, {group}idx, sum(n) AS count "
           f"FROM ({' UNION ALL '.join(parts)}) AS u GROUP BY {group}idx")
    rows = db.session.execute(text(sql), params).all()
    return rows, (rows[0].ref if rows else None)


def _finish(rows, dims, filters, groups) -> list[dict]:
    from caseapp.stats.queries import sort_rows

    wanted_ages = filters.get("age_group")
    totals: dict[tuple, int] = {}
    for row in rows:
        if row.idx < 0 or not row.count:
            continue
        label = groups[row.idx].label
        if wanted_ages is not None and label not in wanted_ages:
            continue
        key = []
        for d in dims:
            if d == "age_group":
                key.append(label)
            elif d == "district":
                key.append(row.district or None)
            elif d == "housing":
                key.append(HOUSING_BY_STATE[row.housing])
            else:
                key.append(getattr(row, d))
        totals[tuple(key)] = totals.get(tuple(key), 0) + int(row.count)
    out = [{**dict(zip(dims, key)), "count": n} for key, n in totals.items()]
    return sort_rows(out, dims, groups)
