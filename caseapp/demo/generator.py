"""Builds the whole demo city in memory, deterministically from (persons, seed, today)."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from caseapp.demo import origins
from caseapp.demo.estate import Shelter, build_estate
from caseapp.demo.history import build_history, years_before
from caseapp.demo.population import DIRECT, FLOW, SETTLED, PopulationBuilder
from caseapp.demo.record import Recorder

# Settled households came between these dates and the start of the three years, most around `mode`.
_SETTLED_SINCE = {
    "POL": (date(2004, 5, 1), date(2016, 1, 1)), "ROU": (date(2007, 1, 1), date(2018, 1, 1)),
    "BGR": (date(2007, 1, 1), date(2018, 1, 1)), "HRV": (date(1970, 1, 1), date(2014, 1, 1)),
    "ITA": (date(1962, 1, 1), date(1975, 1, 1)), "GRC": (date(1962, 1, 1), date(1975, 1, 1)),
    "UKR": (date(2022, 3, 1), date(2022, 4, 15)), "SYR": (date(2013, 1, 1), date(2016, 1, 1)),
    "TUR": (date(1965, 1, 1), date(1980, 1, 1)), "XKX": (date(1990, 1, 1), date(1999, 6, 1)),
    "SRB": (date(1968, 1, 1), date(1993, 1, 1)), "BIH": (date(1968, 1, 1), date(1994, 1, 1)),
    "MKD": (date(1968, 1, 1), date(2000, 1, 1)), "RUS": (date(1990, 1, 1), date(1996, 1, 1)),
    "KAZ": (date(1990, 1, 1), date(1995, 1, 1)), "VNM": (date(1980, 1, 1), date(1990, 1, 1)),
    "LBN": (date(1985, 1, 1), date(1990, 1, 1)),
}
_DEFAULT_SINCE = (date(2000, 1, 1), date(2016, 1, 1))
MEAN_STAY_DAYS = 215
TARGET_OCCUPANCY = 1.0


@dataclass
class City:
    today: date
    window_start: date
    sim_start: date
    builder: PopulationBuilder
    shelters: list[Shelter]
    history: Recorder

    @property
    def persons(self):
        return self.builder.persons

    @property
    def households(self):
        return self.builder.households


def build_city(persons: int, seed: int, today: date) -> City:
    if persons < 50:
        raise ValueError("Die Demo-Stadt braucht mindestens 50 Personen.")
    rng = random.Random(seed)
    window_start = years_before(today, 3)
    sim_start = years_before(today, 5)
    shelters = build_estate(rng, persons, today, sim_start, window_start)
    flow, direct = _segment_sizes(persons, shelters, today, sim_start)
    builder = PopulationBuilder(rng, today)
    builder.add_households(SETTLED, origins.SETTLED, persons - flow - direct,
                           lambda code: _settled_arrival(rng, code, window_start))
    builder.add_households(
        FLOW, origins.SHELTER_FLOW, flow, lambda code: _flow_arrival(rng, today, sim_start)
    )
    builder.add_households(DIRECT, origins.DIRECT, direct,
                           lambda code: _direct_arrival(rng, code, today, window_start))
    builder.assign_statuses()
    history = build_history(rng, builder, shelters, today, window_start, sim_start)
    return City(today, window_start, sim_start, builder, shelters, history)


def _segment_sizes(persons: int, shelters, today: date, sim_start: date) -> tuple[int, int]:
    """Persons who pass through the shelters: enough to keep them about 80 % full over the years."""
    bed_days = 0
    for s in shelters:
        if s.opened is None:
            continue
        start, end = max(s.opened, sim_start), min(s.closed or today, today)
        bed_days += min(s.fire_max, sum(r.cap for r in s.rooms)) * max(0, (end - start).days)
    flow = int(TARGET_OCCUPANCY * bed_days / MEAN_STAY_DAYS)
    flow = min(flow, int(persons * 0.35))
    direct = round(persons * 0.12)
    return flow, direct


def _settled_arrival(rng, code: str, window_start: date) -> date:
    lo, mode = _SETTLED_SINCE.get(code, _DEFAULT_SINCE)
    hi = window_start - timedelta(days=1)
    span = (hi - lo).days
    day = lo + timedelta(days=int(rng.triangular(0, span, min((mode - lo).days, span))))
    return min(day, hi)


def _flow_arrival(rng, today: date, sim_start: date) -> date:
    """Arrivals over four years: a peak in autumn 2023, fewer since; a few announced for the coming days."""
    if rng.random() < 0.015:
        return today + timedelta(days=rng.randint(1, 20))
    span = (today - sim_start).days
    while True:
        offset = rng.randint(0, span)
        day = sim_start + timedelta(days=offset)
        trend = 1.3 - 0.6 * abs(offset / span - 0.3) / 0.7
        season = 1 + 0.25 * ((day.month - 3) % 12 in range(5, 9))
        if rng.random() * 1.7 < trend * season:
            return day


def _direct_arrival(rng, code: str, today: date, window_start: date) -> date:
    span = (today - window_start).days
    if code == "UKR":
        offset = int(rng.triangular(0, span, 0))
    else:
        offset = rng.randint(0, span)
    return window_start + timedelta(days=offset)
