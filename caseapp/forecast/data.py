"""What the forecast reads from the database: the base population by district, single year of age, sex
and housing on a day, and the arrivals, departures and births of the years before it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.people.models import Person
from caseapp.stats.agegroups import AgeGroup, years_before
from caseapp.stats.queries import count_by
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


def load(day: date, years: int = 3) -> BaseData:
    data = BaseData(day=day, years=years)
    rows = count_by(day, ("district", "age_group", "sex", "housing"), SINGLE_YEARS)
    data.population = {(r["district"], age_key(r["age_group"]), r["sex"], r["housing"]): r["count"] for r in rows}
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
