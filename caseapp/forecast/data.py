"""What the forecast reads from the database: the base population by district, single year of age, sex
and housing on a day, and the arrivals, departures and births of the years before it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, literal, select

from caseapp.extensions import db
from caseapp.people.models import Person
from caseapp.stats.agegroups import AgeGroup, index_case, years_before
from caseapp.stats.dims import HOUSING_BY_STATE, POPULATION_STATES
from caseapp.stats.queries import state_on, today
from caseapp.workflows.models import Transition

MAX_AGE = 50  # ages 0..49 single years; 50+ matters neither for children nor for births
SINGLE_YEARS = tuple(AgeGroup(str(a), a, a) for a in range(MAX_AGE)) + (
    AgeGroup(f"{MAX_AGE}+", MAX_AGE, None),
)


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


def population_rows(day: date) -> list[tuple]:
    """(district, age 0..MAX_AGE, sex, housing, persons) of the population on `day`: the same figures as
    caseapp.stats.queries.count_by(day, (district, age_group, sex, housing), SINGLE_YEARS), grouped by
    the group's index (an integer sorts and groups faster than its label)."""
    age = index_case(Person.birth_date, SINGLE_YEARS, day)
    state, join = state_on(day) if day != today() else (Person.state, lambda stmt: stmt)
    housing = case(*[(state == s, literal(h)) for s, h in HOUSING_BY_STATE.items()], else_=literal(None))
    inner = join(select(Person.district_number.label("district"), age.label("age"), Person.sex.label("sex"),
                        housing.label("housing"), state.label("state_on")).select_from(Person)
                 ).where(Person.birth_date <= day).subquery()
    stmt = (select(inner.c.district, inner.c.age, inner.c.sex, inner.c.housing, func.count())
            .where(and_(inner.c.state_on.in_(POPULATION_STATES)))
            .group_by(inner.c.district, inner.c.age, inner.c.sex, inner.c.housing))
    return [tuple(r) for r in db.session.execute(stmt)]


BORN_HERE_DAYS = 31  # a person first registered or arriving this soon after birth was born in the city


def load(day: date, years: int = 3) -> BaseData:
    """The base population and the movements of the `years` years up to `day`.

    A birth in the city is a person whose registration or arrival lies within BORN_HERE_DAYS of their
    birth date, whatever the event: a sync delivers a newborn as a new record (a registration straight
    into the family's state), a caseworker registers one by hand and records the arrival. Each such
    person is one birth, never an arrival. Other registrations are not arrivals either: a source's first
    delivery registers everyone already living here on the day of the import.
    """
    data = BaseData(day=day, years=years)
    data.population = {
        (district, age, sex, housing): n for district, age, sex, housing, n in population_rows(day)
    }
    start = years_before(day, years)
    stmt = (
        select(Transition.entity_id, Transition.event, Transition.occurred_on, Person.birth_date,
               Person.district_number, Person.sex)
        .join(Person, Person.id == Transition.entity_id)
        .where(Transition.entity == "person", Transition.event.in_(("register", "arrive", "depart")),
               Transition.occurred_on > start, Transition.occurred_on <= day)
    )
    per_year = [0.0] * years
    born_here = set()
    for person_id, event, on, birth, district, sex in db.session.execute(stmt):
        age = min(age_on(birth, on), MAX_AGE)
        if event == "depart":
            data.departures[age] += 1 / years
        elif 0 <= (on - birth).days <= BORN_HERE_DAYS:
            born_here.add(person_id)
        elif event == "arrive":
            data.arrivals[(district, age, sex)] += 1 / years
            back = min(int((day - on).days // 365.25), years - 1)
            per_year[back] += 1
    data.arrivals_by_year = per_year
    data.births_per_year = len(born_here) / years
    return data
