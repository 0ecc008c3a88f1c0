"""Read-side counts the committee reports need beyond caseapp.stats: minors without an adult at home,
minors in shelters, every shelter's daily occupancy."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_, select

from caseapp.codelists import ShelterState
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
    columns, state, join = person_columns(as_of, groups, history=as_of != today())
    adult_born_by = agegroups.years_before(as_of, ADULT_AGE)
    # The day's population once (a CTE used twice is computed once), then a hashed NOT IN against
    # the households that have an adult: no per-minor probing, whatever the planner's statistics say.
    day = (
        join(select(Person.household_id, Person.birth_date, *[columns[d].label(d) for d in by],
                    state.label("state_on")).select_from(Person))
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


def daily_occupancy_by_shelter(start: date, end: date, *, keys: bool = False) -> dict[int, list]:
    """shelter id -> occupied beds on every day from start to end inclusive, for every shelter at once;
    with `keys`, each day's (count, sum of the residents' record keys) for the cell-key method.

    The same figures as caseapp.stats.occupancy.daily_occupancy(start, end, shelter_id) (a stay holds a
    bed from its start date up to, not including, its end date) in three statements for all shelters
    instead of three per shelter.
    """
    from caseapp.people.models import Person
    from caseapp.shelters.models import Room, Shelter, Stay
    from caseapp.shelters.queries import active_on

    def per_shelter(stmt):
        return (stmt.select_from(Stay).join(Room, Room.id == Stay.room_id)
                .join(Person, Person.id == Stay.person_id))

    counted = (func.count(), func.coalesce(func.sum(Person.record_key), 0))
    base = {s: (n, int(k)) for s, n, k in db.session.execute(
        per_shelter(select(Room.shelter_id, *counted)).where(active_on(start)).group_by(Room.shelter_id))}
    changes: dict[int, dict] = {}
    for column, sign in ((Stay.start_date, 1), (Stay.end_date, -1)):
        stmt = (per_shelter(select(Room.shelter_id, column, *counted))
                .where(column > start, column <= end).group_by(Room.shelter_id, column))
        for shelter_id, day, n, k in db.session.execute(stmt):
            days = changes.setdefault(shelter_id, {})
            was = days.get(day, (0, 0))
            days[day] = (was[0] + sign * n, was[1] + sign * int(k))
    out = {}
    for shelter_id in db.session.scalars(select(Shelter.id)):
        (current, key), day, values = base.get(shelter_id, (0, 0)), start, []
        delta = changes.get(shelter_id, {})
        while day <= end:
            if day != start:
                n, k = delta.get(day, (0, 0))
                current, key = current + n, key + k
            values.append((current, key) if keys else current)
            day += timedelta(days=1)
        out[shelter_id] = values
    return out


def stays_begun_and_ended(start: date, end: date) -> dict[int, tuple[int, int]]:
    """shelter id -> (stays begun, stays ended) within start..end: moves in and out, relocations included."""
    from caseapp.shelters.models import Room, Stay

    out: dict[int, list] = {}
    for index, column in enumerate((Stay.start_date, Stay.end_date)):
        stmt = (select(Room.shelter_id, func.count()).select_from(Stay).join(Room, Room.id == Stay.room_id)
                .where(column >= start, column <= end).group_by(Room.shelter_id))
        for shelter_id, n in db.session.execute(stmt):
            out.setdefault(shelter_id, [0, 0])[index] = n
    return {k: (v[0], v[1]) for k, v in out.items()}


def shelter_states_in(start: date, end: date) -> dict[int, tuple[bool, str]]:
    """shelter id -> (open on at least one day of start..end, its state on `end`), from the shelter history.

    A shelter's state on a day is the target of its last transition on or before that day (the day of
    closing is a closed day, like a stay's end date). A shelter without any recorded transition (entered
    before the history was kept) is taken in its current state for the whole period.
    """
    from caseapp.shelters.models import Shelter
    from caseapp.workflows.models import Transition

    steps: dict[int, list[tuple[date, str]]] = {}
    stmt = (select(Transition.entity_id, Transition.occurred_on, Transition.to_state)
            .where(Transition.entity == "shelter").order_by(Transition.occurred_on, Transition.id))
    for shelter_id, day, to_state in db.session.execute(stmt):
        steps.setdefault(shelter_id, []).append((day, to_state))
    out = {}
    for shelter_id, current in db.session.execute(select(Shelter.id, Shelter.state)):
        history = steps.get(shelter_id)
        if not history:
            out[shelter_id] = (current == ShelterState.open, current)
            continue
        at_start = [state for day, state in history if day <= start]
        opened = (at_start and at_start[-1] == ShelterState.open) or any(
            state == ShelterState.open for day, state in history if start < day <= end)
        at_end = [state for day, state in history if day <= end]
        out[shelter_id] = (bool(opened), at_end[-1] if at_end else "planned")
    return out
