"""Population counts by any combination of dimensions, for today or any past date (exact figures).

`population()` is the one entry point. Today's figures for everyone (no office restriction) come from
the trigger-maintained cube on PostgreSQL (caseapp/stats/cube.py), which reflects every write in the
writer's transaction; otherwise, and on SQLite, every figure is counted from the person table in the
request's own transaction. Both paths give identical rows (tests/test_stats_cube.py).

A past date uses the transition history: a person's state on day D is the target state of their last
transition on or before D. Only the lifecycle state has a history; district, nationality, residence
status and sex are the person's current values (the sources deliver snapshots, not histories). A
person without any transition row (loaded before history was kept) counts in their current state from
the day their row was created.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, exists, func, literal, or_, select

from caseapp.extensions import db
from caseapp.people.models import Person, PersonOffice
from caseapp.stats import agegroups
from caseapp.stats.dims import (
    DIMS,
    HOUSING_BY_STATE,
    OFFICE_DIMS,
    POPULATION_STATES,
    DimensionError,
    parse_dims,
)
from caseapp.workflows.models import Transition


def today() -> date:
    return date.today()


def check_as_of(as_of: date | None) -> date:
    """The day to count; None means today. A future day has no population yet."""
    day = as_of or today()
    if day > today():
        raise DimensionError(f"Das Datum {day.strftime('%d.%m.%Y')} liegt in der Zukunft")
    return day


def population(as_of: date | None = None, by=("district",), *, offices=None, filters=None) -> list[dict]:
    """Exact counts of the population on `as_of` (default today), one dict per non-empty cell.

    by: dims out of DIMS (e.g. ("district", "age_group")). offices: restrict to persons known to
    one of these office codes (None = everyone). filters: {dim: value or list of values}.
    Rows: {"district": "07", "age_group": "3-5", "count": 12}, sorted by the dims.
    """
    dims = parse_dims(by)
    filters = _check_filters(filters)
    day = check_as_of(as_of)
    groups = agegroups.configured_groups()
    if day == today() and offices is None and not (set(dims) | set(filters)) & set(OFFICE_DIMS):
        from caseapp.stats import cube

        rows = cube.population_today(day, dims, filters, groups)
        if rows is not None:
            return rows
    return _count(day, dims, filters, groups, offices)


def keyed_population(as_of: date | None = None, by=("district",), *, filters=None,
                     limit: int | None = None) -> list[dict]:
    """Like population() for everyone, each row with "key": the sum of its persons' record keys, which
    the cell-key method needs (caseapp/stats/cellkey.py). Today from the cube, which keeps each cell's key
    sum, otherwise counted from the person table; sum(key) is additive, so a margin's key is the sum of its
    cells' keys. `limit`: at most this many cells are read (the caller refuses a table with more)."""
    dims = parse_dims(by)
    day = check_as_of(as_of)
    filters = _check_filters(filters)
    groups = agegroups.configured_groups()
    if day == today() and not (set(dims) | set(filters)) & set(OFFICE_DIMS):
        from caseapp.stats import cube

        rows = cube.population_today(day, dims, filters, groups, keyed=True)
        if rows is not None:  # the cube keeps each cell's key sum (migration 0024)
            return rows if limit is None else rows[:limit]
    return _count(day, dims, filters, groups, None, keyed=True, limit=limit)


def count_by(day: date, dims, groups, *, offices=None, filters=None) -> list[dict]:
    """Exact counts with explicit age groups (e.g. single years for the forecast); no cube, no checks."""
    return _count(day, tuple(dims), _check_filters(filters), groups, offices)


def total(as_of: date | None = None, *, offices=None, filters=None) -> int:
    rows = population(as_of, (), offices=offices, filters=filters)
    return rows[0]["count"] if rows else 0


def _check_filters(filters) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for dim, value in (filters or {}).items():
        parse_dims([dim])
        values = tuple(value) if isinstance(value, (list, tuple, set, frozenset)) else (value,)
        out[dim] = values
    return out


def person_columns(day: date, groups, *, history: bool):
    """Label -> SQL expression for each dim, the state expression, and a function that joins what the
    state needs to a select on person (the history subqueries for a past day, nothing for today)."""
    state, join = state_on(day) if history else (Person.state, lambda stmt: stmt)
    housing = case(*[(state == s, literal(h)) for s, h in HOUSING_BY_STATE.items()], else_=literal(None))
    return {
        "district": Person.district_number,
        "age_group": agegroups.label_case(Person.birth_date, groups, day),
        "nationality": Person.nationality,
        "status": Person.residence_status,
        "sex": Person.sex,
        "housing": housing,
        **{dim: _office_fact(dim, day) for dim in OFFICE_DIMS},
    }, state, join


def _office_fact(dim: str, day: date):
    """The person's value of an office fact valid on `day` (None: the office holds none), as a correlated
    scalar subquery through the office's source records (index on source_record.person_id and on the
    facts' source_record_id): only built into a query that counts by or filters on it."""
    _office, table, column = OFFICE_DIMS[dim]
    facts, records = db.metadata.tables[table], db.metadata.tables["source_record"]
    return (select(facts.c[column]).join(records, records.c.id == facts.c.source_record_id)
            .where(records.c.person_id == Person.id, facts.c.valid_from <= day,
                   or_(facts.c.valid_to.is_(None), facts.c.valid_to > day))
            .order_by(facts.c.valid_from.desc(), facts.c.id.desc()).limit(1).scalar_subquery())


def state_on(day: date):
    """The person's lifecycle state at the end of `day`, from the transition history, set-based.

    The history is read once for everyone: the last transition on or before the day per person
    (PostgreSQL: DISTINCT ON in the order of ix_transition_entity read backwards, so no sort; elsewhere
    a window). A person without such a transition has no state that day if they have a later one
    (not yet known), and otherwise, without any history, counts in their current state from the day
    their row was created; that probe runs only for the few persons without a transition by the day.
    A correlated subquery per person was 3-4x slower at 45,000 persons (docs/benchmarks.md).
    Returns (SQL expression of the state, a function that joins the needed subquery to a select).
    """
    t = Transition
    created_by_then = Person.created_at < datetime.combine(day + timedelta(days=1), time())
    has_history = exists().where(t.entity == "person", t.entity_id == Person.id)
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import distinct_on

        # Only persons with a transition after the day can have been in another state then: everyone
        # else is in the state of their last transition, today's state. So the history is read for those
        # few (index on occurred_on), not for everyone: a month back at 200,000 persons about one in ten.
        changed = (select(t.entity_id).where(t.entity == "person", t.occurred_on > day).distinct()
                   .subquery("changed_after_day"))
        last = (select(t.entity_id, t.to_state)
                .where(t.entity == "person", t.occurred_on <= day,
                       t.entity_id.in_(select(changed.c.entity_id)))
                .ext(distinct_on(t.entity_id)).order_by(t.entity_id.desc(), t.occurred_on.desc(), t.id.desc())
                .subquery("last_on_day"))
        state = case((last.c.entity_id.is_not(None), last.c.to_state),
                     (changed.c.entity_id.is_not(None), literal(None)),
                     (created_by_then, Person.state), (has_history, Person.state), else_=literal(None))

        def join(stmt):
            return (stmt.outerjoin(changed, changed.c.entity_id == Person.id)
                    .outerjoin(last, last.c.entity_id == Person.id))

        return state, join
    ranked = select(t.entity_id, t.to_state, func.row_number().over(
        partition_by=t.entity_id, order_by=(t.occurred_on.desc(), t.id.desc())).label("rn")).where(
        t.entity == "person", t.occurred_on <= day).subquery()
    last = select(ranked.c.entity_id, ranked.c.to_state).where(ranked.c.rn == 1).subquery("last_on_day")
    state = case((last.c.entity_id.is_not(None), last.c.to_state), (has_history, literal(None)),
                 (created_by_then, Person.state), else_=literal(None))

    def join(stmt):
        return stmt.outerjoin(last, last.c.entity_id == Person.id)

    return state, join


def _count(day: date, dims, filters, groups, offices, *, keyed: bool = False,
           limit: int | None = None) -> list[dict]:
    history = day != today()
    columns, state, join = person_columns(day, groups, history=history)
    keys = [Person.record_key.label("record_key")] if keyed else []
    # Only what this count needs: an office fact is a subquery per person, the base dims are columns.
    needed = [d for d in DIMS if d not in OFFICE_DIMS or d in dims or d in filters]
    columns = [columns[d].label(d) for d in needed]
    inner = join(select(*columns, *keys, state.label("state_on")).select_from(Person)).where(
        Person.birth_date <= day
    )
    if not history:
        inner = inner.where(Person.state.in_(POPULATION_STATES))
    if offices is not None:
        codes = sorted(offices)
        inner = inner.where(
            exists().where(PersonOffice.person_id == Person.id, PersonOffice.office_code.in_(codes))
        )
    sub = inner.subquery()
    conditions = [sub.c.state_on.in_(POPULATION_STATES)]
    conditions += [sub.c[d].in_(values) for d, values in filters.items()]
    sums = [func.sum(sub.c.record_key).label("key")] if keyed else []
    stmt = select(*[sub.c[d] for d in dims], func.count().label("count"), *sums).where(and_(*conditions))
    if dims:
        stmt = stmt.group_by(*[sub.c[d] for d in dims])
    if limit is not None:
        stmt = stmt.limit(limit)
    return sort_rows([dict(r._mapping) for r in db.session.execute(stmt)], dims, groups)


def sort_rows(rows: list[dict], dims, groups=None) -> list[dict]:
    """Rows in a stable, readable order: age groups in their configured order, unknowns last."""
    order = {g.label: i for i, g in enumerate(groups or agegroups.configured_groups())}

    def key(row):
        out = []
        for d in dims:
            v = row[d]
            out.append((v is None, order.get(v, 0) if d == "age_group" else 0, "" if v is None else str(v)))
        return out

    rows = [r for r in rows if r["count"] != 0]  # None (suppressed) stays
    return sorted(rows, key=key)
