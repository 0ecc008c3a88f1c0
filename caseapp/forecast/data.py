"""What the forecast reads from the database: the base population by district, single year of age, sex
and housing on a day - and by school-year cohort (age on the last 30 September and whether the birthday
lies in July or in August/September, for the legal cut-off dates) - and the arrivals, departures and
births of the years before it."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, extract, func, literal, or_, select

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


# Lower Saxony: a child who is six by 30 September starts school on 1 August of that year; one whose
# sixth birthday lies from 1 July to 30 September may start a year later on the parents' request
# ("Flexi-Kind", § 64 Abs. 1 NSchG). The Kita year begins on 1 August.
SCHOOL_CUTOFF = (9, 30)
KITA_YEAR_START = (8, 1)
# Birthday classes: 0 = 1 October to 30 June, 1 = 1 July to 1 August (Flexi, already older on 1 August),
# 2 = 2 August to 30 September (Flexi, a year younger on 1 August than on 30 September).
BIRTH_CLASSES = (0, 1, 2)
CLASS_SHARES = {0: 9 / 12, 1: 1 / 12, 2: 2 / 12}  # of a year's births or arrivals, spread evenly


def school_cutoff(year: int) -> date:
    return date(year, *SCHOOL_CUTOFF)


def kita_start(year: int) -> date:
    return date(year, *KITA_YEAR_START)


def base_year(day: date) -> int:
    """The school year whose cut-off (30 September) is the last one on or before `day`."""
    return day.year if day >= school_cutoff(day.year) else day.year - 1


def birth_class(birth: date) -> int:
    if birth.month == 9 or (birth.month == 8 and birth.day >= 2):
        return 2
    if birth.month == 7 or (birth.month == 8 and birth.day == 1):
        return 1
    return 0


@dataclass
class BaseData:
    """Counts on the base day and the movements of the `years` years before it."""

    day: date
    years: int
    # (district, age, sex, housing) -> persons on the base day
    population: dict = field(default_factory=dict)
    # (district, age on the next 30 September, birthday class, sex) -> arrivals per year (births excluded)
    arrivals: dict = field(default_factory=lambda: defaultdict(float))
    # age -> departures per year at that age (city-wide)
    departures: dict = field(default_factory=lambda: defaultdict(float))
    # arrivals per single calendar year of history (for the low / high range)
    arrivals_by_year: list = field(default_factory=list)
    births_per_year: float = 0.0
    # (district, age on the base year's 30 September (-1: born later), birthday class, sex, housing)
    # -> [persons, sum of their record keys] (the keys publish an actual count by the cell-key method)
    cohorts: dict = field(default_factory=dict)
    year: int = 0  # base_year(day)


def population_rows(day: date) -> list[tuple]:
    """(district, age 0..MAX_AGE, sex, housing, persons) of the population on `day`: the same figures as
    caseapp.stats.queries.count_by(day, (district, age_group, sex, housing), SINGLE_YEARS), grouped by
    the group's index (an integer sorts and groups faster than its label)."""
    out: dict = defaultdict(int)
    for district, age, _a, _c, sex, housing, n, _k in cohort_rows(day):
        out[(district, age, sex, housing)] += n
    return [(*key, n) for key, n in out.items()]


def cohort_rows(day: date) -> list[tuple]:
    """(district, age on `day`, age on the last 30 September on or before it (-1: born after it),
    birthday class, sex, housing, persons, sum of record keys) of the population on `day`."""
    age = index_case(Person.birth_date, SINGLE_YEARS, day)
    cut = school_cutoff(base_year(day))
    school_age = case((Person.birth_date > cut, literal(-1)),
                      else_=index_case(Person.birth_date, SINGLE_YEARS, cut))
    month, dom = extract("month", Person.birth_date), extract("day", Person.birth_date)
    klass = case((or_(month == 9, and_(month == 8, dom >= 2)), literal(2)),
                 (or_(month == 7, and_(month == 8, dom == 1)), literal(1)), else_=literal(0))
    state, join = state_on(day) if day != today() else (Person.state, lambda stmt: stmt)
    housing = case(*[(state == s, literal(h)) for s, h in HOUSING_BY_STATE.items()], else_=literal(None))
    inner = join(select(Person.district_number.label("district"), age.label("age"),
                        school_age.label("school_age"), klass.label("klass"), Person.sex.label("sex"),
                        housing.label("housing"), state.label("state_on"), Person.record_key.label("rk"))
                 .select_from(Person)).where(Person.birth_date <= day).subquery()
    cols = (inner.c.district, inner.c.age, inner.c.school_age, inner.c.klass, inner.c.sex, inner.c.housing)
    stmt = (select(*cols, func.count(), func.coalesce(func.sum(inner.c.rk), 0))
            .where(and_(inner.c.state_on.in_(POPULATION_STATES))).group_by(*cols))
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
    data = BaseData(day=day, years=years, year=base_year(day))
    population: dict = defaultdict(int)
    for district, age, school_age, klass, sex, housing, n, keys in cohort_rows(day):
        population[(district, age, sex, housing)] += n
        cell = data.cohorts.setdefault((district, int(school_age), int(klass), sex, housing), [0, 0])
        cell[0] += n
        cell[1] += int(keys)
    data.population = dict(population)
    if years == 0:  # the counts only (an actual value of the backtest)
        return data
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
            # at their age on the school year's cut-off after the arrival, where the model adds them
            at_cutoff = max(0, min(age_on(birth, school_cutoff(base_year(on) + 1)), MAX_AGE))
            data.arrivals[(district, at_cutoff, birth_class(birth), sex)] += 1 / years
            back = min(int((day - on).days // 365.25), years - 1)
            per_year[back] += 1
    data.arrivals_by_year = per_year
    data.births_per_year = len(born_here) / years
    return data
