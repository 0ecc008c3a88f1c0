"""What the forecast reads from the database: the base population by district, single year of age, sex
and housing on a day, and the arrivals, departures and births of the years before it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, literal, select

from caseapp.extensions import db
from caseapp.people.models import Person
from caseapp.stats.agegroups import AgeGroup, index_case, years_before
from caseapp.stats.dims import HOUSING_BY_STATE, POPULATION_STATES
from caseapp.stats.queries import today
from caseapp.workflows.models import Transition

MAX_AGE = 50  # ages 0..49 single years; 50+ matters neither for children nor for births
SINGLE_YEARS = tuple(AgeGroup(str(a), a, a) for a in range(MAX_AGE)) + (AgeGroup(f"{MAX_AGE}+", MAX_AGE, None),)


def age_key(label: str) -> int:
    return MAX_AGE if label.endswith("+") else int(label)


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass
class BaseData:
    """Counts on the base day and the movements of the `years` years before it."""

    day: date
    years: int
    # (district, age, sex, housing) -> persons on the base day
    population: dict = field(default_factory=dict)
    # (district, age, sex) -> arrivals per year at that age (births excluded)
    arrivals: dict = field(default_factory=lambda: defaultdict(float))
    # age -> departures per year at that age (city-wide)
    departures: dict = field(default_factory=lambda: defaultdict(float))
    # arrivals per single calendar year of history (for the low / high range)
    arrivals_by_year: list = field(default_factory=list)
    births_per_year: float = 0.0


def state_on_day(day: date):
    """(person id -> state at the end of `day`) as joinable subqueries: the set-based twin of
    caseapp.stats.queries.state_on, with the same rule.

    stats' version is a correlated subquery, probed twice per person (about 0.45 s at 45,000 persons
    here); this one reads the transition history once: the last transition on or before the day per
    person (PostgreSQL: DISTINCT ON in the order of ix_transition_entity read backwards, so no sort;
    elsewhere a window), and who has any history at all.
    A person without history counts in their current state from the day their row was created.
    Returns (SQL expression of the state, a function that joins the needed subqueries to a select).
    """
    t = Transition
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import distinct_on

        last = (select(t.entity_id, t.to_state).where(t.entity == "person", t.occurred_on <= day)
                .ext(distinct_on(t.entity_id)).order_by(t.entity_id.desc(), t.occurred_on.desc(), t.id.desc())
                .subquery("last_on_day"))
    else:
        ranked = select(t.entity_id, t.to_state, func.row_number().over(
            partition_by=t.entity_id, order_by=(t.occurred_on.desc(), t.id.desc())).label("rn")).where(
            t.entity == "person", t.occurred_on <= day).subquery()
        last = select(ranked.c.entity_id, ranked.c.to_state).where(ranked.c.rn == 1).subquery("last_on_day")
    known = select(t.entity_id).where(t.entity == "person").distinct().subquery("with_history")
    created_by_then = Person.created_at < datetime.combine(day + timedelta(days=1), time())
    state = case((known.c.entity_id.is_not(None), last.c.to_state), (created_by_then, Person.state),
                 else_=literal(None))

    def join(stmt):
        return (stmt.outerjoin(known, known.c.entity_id == Person.id)
                .outerjoin(last, last.c.entity_id == Person.id))

    return state, join


def population_rows(day: date) -> list[tuple]:
    """(district, age 0..MAX_AGE, sex, housing, persons) of the population on `day`: the same figures as
    caseapp.stats.queries.count_by(day, (district, age_group, sex, housing), SINGLE_YEARS), grouped by
    the group's index (an integer sorts and groups faster than its label)."""
    age = index_case(Person.birth_date, SINGLE_YEARS, day)
    if day == today():
        state, join = Person.state, (lambda stmt: stmt)
    else:
        state, join = state_on_day(day)
    housing = case(*[(state == s, literal(h)) for s, h in HOUSING_BY_STATE.items()], else_=literal(None))
    inner = join(select(Person.district_number.label("district"), age.label("age"), Person.sex.label("sex"),
                        housing.label("housing"), state.label("state_on")).select_from(Person)
                 ).where(Person.birth_date <= day).subquery()
    stmt = (select(inner.c.district, inner.c.age, inner.c.sex, inner.c.housing, func.count())
            .where(and_(inner.c.state_on.in_(POPULATION_STATES)))
            .group_by(inner.c.district, inner.c.age, inner.c.sex, inner.c.housing))
    return [tuple(r) for r in db.session.execute(stmt)]


def load(day: date, years: int = 3) -> BaseData:
    data = BaseData(day=day, years=years)
    data.population = {(district, age, sex, housing): n for district, age, sex, housing, n in population_rows(day)}
    start = years_before(day, years)
    stmt = (
        select(Transition.event, Transition.occurred_on, Person.birth_date, Person.district_number, Person.sex)
        .join(Person, Person.id == Transition.entity_id)
        .where(Transition.entity == "person", Transition.event.in_(("arrive", "depart")),
               Transition.occurred_on > start, Transition.occurred_on <= day)
    )
    per_year = [0.0] * years
    births = 0
    for event, on, birth, district, sex in db.session.execute(stmt):
        age = min(age_on(birth, on), MAX_AGE)
        if event == "depart":
            data.departures[age] += 1 / years
            continue
        if (on - birth).days <= 31:
            births += 1  # born here: arrival = birth
            continue
        data.arrivals[(district, age, sex)] += 1 / years
        back = min(int((day - on).days // 365.25), years - 1)
        per_year[back] += 1
    data.arrivals_by_year = per_year
    data.births_per_year = births / years
    return data
