"""Read-side counts the committee reports need beyond caseapp.stats: minors without an adult at home."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from caseapp.extensions import db
from caseapp.people.models import Person
from caseapp.stats import agegroups
from caseapp.stats.dims import POPULATION_STATES
from caseapp.stats.queries import person_columns, sort_rows, today

ADULT_AGE = 18


def minors_without_adult(as_of: date, by=("district", "age_group")) -> list[dict]:
    """Minors of the population on `as_of` with no adult of the population in their household.

    A minor without any household counts too: the sources deliver unaccompanied minors without a
    family id. The household's adults are taken in their current state (a household's history is
    not kept); the minor's own state follows the transition history like every population count.
    Rows as caseapp.stats.queries.population(): {"district": "07", "age_group": "10-15", "count": 3}.
    """
    groups = agegroups.configured_groups()
    history = as_of != today()
    columns, state = person_columns(as_of, groups, history=history)
    adult_born_by = agegroups.years_before(as_of, ADULT_AGE)
    other = aliased(Person)
    has_adult = exists().where(
        other.household_id == Person.household_id,
        other.id != Person.id,
        other.birth_date <= adult_born_by,
        other.state.in_(POPULATION_STATES),
    )
    inner = (
        select(*[columns[d].label(d) for d in by], state.label("state_on"))
        .where(Person.birth_date <= as_of, Person.birth_date > adult_born_by, Person.anonymised_at.is_(None))
        .where(or_(Person.household_id.is_(None), ~has_adult))
    )
    sub = inner.subquery()
    stmt = select(*[sub.c[d] for d in by], func.count().label("count")).where(
        and_(sub.c.state_on.in_(POPULATION_STATES))
    )
    if by:
        stmt = stmt.group_by(*[sub.c[d] for d in by])
    return sort_rows([dict(r._mapping) for r in db.session.execute(stmt)], by, groups)
