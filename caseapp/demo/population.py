"""Synthetic households and persons for the demo city: who they are, where from, since when.

The lifecycle (shelter stays, moves, departures) is added afterwards by caseapp/demo/history.py.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

from caseapp.demo import names, origins, places

SETTLED, FLOW, DIRECT = "settled", "flow", "direct"


@dataclass(slots=True, eq=False)
class Person:
    id: int
    hh: Household
    sex: str
    birth: date
    given: str
    family: str
    nats: tuple[str, ...]
    family_raw: str = ""            # the name list's entry (with gendered endings) the family name came from
    precision: str = "day"
    azr: str | None = None
    status: str = "AE"
    basis: str | None = None
    entry: date | None = None
    move_in: date | None = None     # arrival in the city; the birth date for children born here
    move_out: date | None = None
    needs: str | None = None
    state: str | None = None
    addr: tuple | None = None       # (street, house number, postcode, district)
    mother: Person | None = None    # for a child drawn from its mother's history (tests read it)


@dataclass(slots=True, eq=False)
class Household:
    key: int
    segment: str
    code: str
    group: str
    arrival: date
    members: list[Person] = field(default_factory=list)
    db_id: int | None = None
    addr: tuple | None = None

    @property
    def size(self) -> int:
        return len(self.members)


_ADULT_AGES = {
    SETTLED: ((20, 29, 18), (30, 39, 25), (40, 49, 22), (50, 59, 16), (60, 69, 11), (70, 88, 8)),
    FLOW: ((18, 24, 30), (25, 34, 35), (35, 44, 20), (45, 54, 9), (55, 72, 6)),
    DIRECT: ((18, 24, 20), (25, 34, 40), (35, 44, 25), (45, 54, 10), (55, 72, 5)),
}
_TYPES = {  # single, couple, family, single parent, extended family
    SETTLED: (32, 16, 35, 10, 7),
    FLOW: (42, 5, 38, 11, 4),
    DIRECT: (45, 18, 28, 7, 2),
}
_DISTRICTS = places.district_numbers()
_DISTRICT_CUM = list(itertools.accumulate(places.district_weights()))
_MIN_GAP = 2  # years from one birth to the next (the median interval in Germany is about three)


class PopulationBuilder:
    def __init__(self, rng, today: date):
        self.rng = rng
        self.today = today
        self.persons: list[Person] = []
        self.households: list[Household] = []
        self._azr: set[str] = set()
        self._unplaced = list(_DISTRICTS)  # the first flats go one to each district: none stays empty

    # -- households -------------------------------------------------------------------------
    def add_households(self, segment: str, weights: dict[str, float], target: int, arrival) -> None:
        """Households of one segment until `target` persons exist in it; `arrival(code)` dates them."""
        rng = self.rng
        codes, cum = list(weights), list(itertools.accumulate(weights.values()))
        made = 0
        while made < target:
            code = rng.choices(codes, cum_weights=cum)[0]
            hh = Household(
                len(self.households) + 1, segment, code, origins.name_group(code, rng), arrival(code)
            )
            self._members(hh, target - made)
            self.households.append(hh)
            made += hh.size

    def _members(self, hh: Household, room_left: int) -> None:
        rng = self.rng
        kind = rng.choices(range(5), _TYPES[hh.segment])[0]
        ukr_flight = (
            hh.code == "UKR" and hh.segment != SETTLED or hh.code == "UKR" and hh.arrival.year >= 2022
        )
        head_age = self._adult_age(hh.segment)
        if kind == 0:  # single
            male = 0.72 if hh.segment == FLOW else 0.55
            if ukr_flight:
                male = 0.25
            specs = [("m" if rng.random() < male else "w", head_age)]
        else:
            if kind in (2, 4) and head_age > 55 and hh.segment == SETTLED:
                kind = 1
            mother_age = max(18, min(head_age + rng.randint(-6, 2), 60))
            father_age = max(18, head_age + rng.randint(-1, 6))
            if kind == 3 or (ukr_flight and kind in (2, 4) and rng.random() < 0.7):
                specs = [("w", mother_age)]  # single parent (Ukraine: fathers mostly stayed behind)
            else:
                specs = [("m", father_age), ("w", mother_age)]
            mother_at = len(specs) - 1
            if kind in (2, 3, 4):
                for age in self._children(hh, mother_age):
                    specs.append(("m" if rng.random() < 0.51 else "w", age))
            children = range(mother_at + 1, len(specs))
            if kind == 4:
                for _ in range(rng.choice((1, 1, 2))):
                    specs.append(
                        ("w" if rng.random() < 0.6 else "m", min(mother_age + rng.randint(20, 30), 92))
                    )
        start = len(hh.members)
        for i, (sex, age) in enumerate(specs[:room_left]):
            self._person(hh, sex, age, is_head=i == 0)
        if kind:
            made = hh.members[start:]
            for i in children:
                if i < len(made) and mother_at < len(made):
                    made[i].mother = made[mother_at]

    def _children(self, hh: Household, mother_age: int) -> list[int]:
        """Ages today of the children living with a mother now `mother_age`: her births year by year at the
        age-specific rates of her origin group (origins.FERTILITY, BIRTH_AGE_SHAPE), at least two years apart
        and only one before she was 20; children older than 24 (19 for recent arrivals) have left home. A
        woman without a child at home in a household drawn as a family lives there as a couple (or with
        her parents), a single parent's household is then a single woman's: so young women have small
        children no more often than their age allows."""
        rng = self.rng
        tfr = origins.fertility(hh.code)
        oldest = 24 if hh.segment == SETTLED else 19
        ages, last = [], -99
        for at in range(min(origins.BIRTH_AGE_SHAPE), mother_age + 1):
            if mother_age - at > oldest or at not in origins.BIRTH_AGE_SHAPE:
                continue
            if at - last < _MIN_GAP or (ages and at < 20):
                continue
            if rng.random() < tfr * origins.BIRTH_AGE_SHAPE[at]:
                ages.append(mother_age - at)
                last = at
        return ages

    def _adult_age(self, segment: str) -> int:
        lo, hi, _ = self.rng.choices(_ADULT_AGES[segment], [w for *_, w in _ADULT_AGES[segment]])[0]
        return self.rng.randint(lo, hi)

    # -- persons ----------------------------------------------------------------------------
    def _person(self, hh: Household, sex: str, age: int, is_head: bool) -> None:
        rng = self.rng
        if age >= 16 and rng.random() < 0.004:
            sex = "x" if rng.random() < 0.8 else "d"
        birth = self.today - timedelta(days=int(age * 365.25) + rng.randint(0, 364))
        head = hh.members[0] if hh.members else None
        raw = self._family_raw(hh, head)
        family = names.gendered(raw, sex)
        given = names.given_name(hh.group, rng.choice, sex)
        while given == family:  # "Mihai Mihai" would look like a data error
            given = names.given_name(hh.group, rng.choice, sex)
        p = Person(len(self.persons) + 1, hh, sex, birth, given, family,
                   head.nats if head and rng.random() < 0.9 else origins.nationalities(hh.code, hh.group,
                                                                                       rng),
                   raw)
        born_here = birth > hh.arrival
        p.move_in = birth if born_here else hh.arrival
        if not born_here:
            p.entry = hh.arrival if rng.random() < 0.8 else hh.arrival - timedelta(days=rng.randint(60, 3000))
            if p.entry < birth:
                p.entry = hh.arrival
            day_unknown, all_unknown = origins.unsure_birth_dates(hh.code)
            r = rng.random()
            if r < all_unknown:
                p.precision, p.birth = "year", date(birth.year, 7, 1)
            elif r < all_unknown + day_unknown:
                p.precision, p.birth = "month", date(birth.year, birth.month, 15)
            if p.birth > hh.arrival:  # a rounded date must not fall after the arrival
                p.precision, p.birth = "day", birth
        if age >= 70 and rng.random() < 0.12:
            p.needs = "pflegebedarf"
        elif rng.random() < 0.006:
            p.needs = "rollstuhl"
        if rng.random() < (0.65 if born_here and p.move_in > self.today - timedelta(days=120) else 0.95):
            p.azr = self._azr_number()
        hh.members.append(p)
        self.persons.append(p)

    def _family_raw(self, hh: Household, head: Person | None) -> str:
        rng = self.rng
        if head is None or (hh.group in ("ti", "so") and len(hh.members) == 1 and rng.random() < 0.8):
            return rng.choice(names.NAME_GROUPS[hh.group]["family"])  # own name (or the spouse keeps hers)
        if hh.group == "ti" and head.sex == "m":
            return head.given.split()[0]  # Eritrean custom: children carry the father's given name
        return head.family_raw

    def _azr_number(self) -> str:
        while True:
            number = f"{self.rng.randrange(10**11, 10**12):012d}"
            if number not in self._azr:
                self._azr.add(number)
                return number

    # -- addresses and statuses -------------------------------------------------------------
    def flat_address(self) -> tuple:
        rng = self.rng
        if self._unplaced:
            district = self._unplaced.pop(0)
        else:
            district = rng.choices(_DISTRICTS, cum_weights=_DISTRICT_CUM)[0]
        _, postcode, streets = places.DISTRICTS[district]
        number = str(rng.randint(1, 140)) + (rng.choice("abc") if rng.random() < 0.08 else "")
        return rng.choice(streets), number, postcode, district

    def assign_statuses(self) -> None:
        rng = self.rng
        for hh in self.households:
            asylum = hh.segment == FLOW
            status = origins.residence(hh.code, min(hh.arrival, self.today), self.today, asylum, rng)
            for p in hh.members:
                p.status, p.basis = status
