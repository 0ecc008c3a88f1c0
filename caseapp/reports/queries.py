"""Read-side counts the committee reports need beyond caseapp.stats: minors without an adult at home."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select

from caseapp.extensions import db
from caseapp.people.models import Person
from caseapp.stats import agegroups
from caseapp.stats.dims import POPULATION_STATES
from caseapp.stats.queries import person_columns, sort_rows, today

ADULT_AGE = 18


def minors_without_adult(as_of: date, by=("district", "age_group")) -> list[dict]:
    """Minors of the population on `as_of` with no adult of that day's population in their household.

    A minor without any household counts too: the sources deliver unaccompanied minors without a
    family id. Everyone's state on `as_of` follows the transition history, like every population
    count, so a family that has left since then is not mistaken for children left alone.
    Rows as caseapp.stats.queries.population(): {"district": "07", "age_group": "10-15", "count": 3}.
    """
    groups = agegroups.configured_groups()
    columns, state = person_columns(as_of, groups, history=as_of != today())
    adult_born_by = agegroups.years_before(as_of, ADULT_AGE)
    # The day's population once (a CTE used twice is computed once), then a hashed NOT IN against
    # the households that have an adult: no per-minor probing, whatever the planner's statistics say.
    day = (
        select(Person.household_id, Person.birth_date, *[columns[d].label(d) for d in by],
               state.label("state_on"))
        .where(Person.birth_date <= as_of, Person.anonymised_at.is_(None))
        .cte("population_on_day")
    )
    in_population = day.c.state_on.in_(POPULATION_STATES)
    with_adult = select(day.c.household_id).where(
        in_population, day.c.household_id.is_not(None), day.c.birth_date <= adult_born_by
    )
    stmt = select(*[day.c[d] for d in by], func.count().label("count")).where(
        in_population,
        day.c.birth_date > adult_born_by,
        or_(day.c.household_id.is_(None), day.c.household_id.not_in(with_adult)),
    )
    if by:
        stmt = stmt.group_by(*[day.c[d] for d in by])
    return sort_rows([dict(r._mapping) for r in db.session.execute(stmt)], by, groups)


def minors_in_shelters(as_of: date, by=("district", "age_group")) -> list[dict]:
    """Minors with a bed in a shelter on `as_of`, by the shelter's district (where they go to school or
    Kita) and age group; straight from the stays, which are exact for any day."""
    from caseapp.shelters.models import Room, Shelter, Stay
    from caseapp.shelters.queries import active_on

    groups = agegroups.configured_groups()
    columns = {"district": Shelter.district_number,
               "age_group": agegroups.label_case(Person.birth_date, groups, as_of)}
    stmt = (
        select(*[columns[d].label(d) for d in by], func.count().label("count"))
        .select_from(Stay)
        .join(Room, Room.id == Stay.room_id)
        .join(Shelter, Shelter.id == Room.shelter_id)
        .join(Person, Person.id == Stay.person_id)
        .where(active_on(as_of), Person.birth_date <= as_of,
               Person.birth_date > agegroups.years_before(as_of, ADULT_AGE))
    )
    if by:
        stmt = stmt.group_by(*[columns[d] for d in by])
    return sort_rows([dict(r._mapping) for r in db.session.execute(stmt)], by, groups)
