"""Age groups from CASEAPP_AGE_GROUPS and the birth-date cut-offs that place a person in one on a day.

A person's age on a day is the number of completed years (caseapp.people.birthdate.BirthDate.age_on).
A partly unknown birth date is stored at the middle of its unknown interval (15th of the month when the
day is unknown, 1 July when day and month are unknown), and the statistics use that stored date like any
other: someone born "00.00.2020" turns 6 on 1 July 2026. Across many people this misplaces the fewest
near a group boundary; it is documented on the dashboard's method note.

Rather than computing an age per row, a day is turned into one cut-off date per group boundary: someone
is at least A years old on day D exactly when born on or before ``years_before(D, A)``. SQL then places
a row with a chain of ``birth_date <= cut-off`` comparisons, which both SQLite and PostgreSQL index.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, literal

_GROUP = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)|(\+))\s*$")


@dataclass(frozen=True)
class AgeGroup:
    label: str
    lower: int  # youngest age in the group (completed years)
    upper: int | None  # oldest age in the group, None for "65+"


def parse_age_groups(text: str) -> tuple[AgeGroup, ...]:
    """'0-2,3-5,...,65+' -> groups; they must start at 0, be contiguous and end open ("65+")."""
    groups: list[AgeGroup] = []
    for part in (p for p in text.split(",") if p.strip()):
        m = _GROUP.match(part)
        if not m:
            raise ValueError(f"Altersgruppe '{part.strip()}' ist nicht von der Form 3-5 oder 65+")
        lower = int(m[1])
        upper = None if m[3] else int(m[2])
        if upper is not None and upper < lower:
            raise ValueError(f"Altersgruppe '{part.strip()}' endet vor ihrem Anfang")
        expected = 0 if not groups else groups[-1].upper + 1
        if groups and groups[-1].upper is None or lower != expected:
            raise ValueError("Altersgruppen müssen bei 0 beginnen und lückenlos aufeinander folgen")
        label = f"{lower}+" if upper is None else f"{lower}-{upper}"
        groups.append(AgeGroup(label, lower, upper))
    if not groups or groups[-1].upper is not None:
        raise ValueError("Die letzte Altersgruppe muss nach oben offen sein (z. B. 65+)")
    return tuple(groups)


def configured_groups() -> tuple[AgeGroup, ...]:
    from flask import current_app

    return parse_age_groups(current_app.config["CASEAPP_AGE_GROUPS"])


def years_before(day: date, years: int) -> date:
    """The latest birth date of someone who is at least `years` old on `day` (29 Feb -> 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none: the birthday counts on 1 March
        return date(day.year - years, 2, 28)


def cutoffs(groups, day: date) -> list[date]:
    """For each group after the first, the latest birth date that places a person in it or above."""
    return [years_before(day, g.lower) for g in groups[1:]]


def group_index(groups, birth: date, day: date) -> int:
    """Index of the group a person born on `birth` belongs to on `day` (Python twin of the SQL)."""
    index = 0
    for i, cut in enumerate(cutoffs(groups, day), start=1):
        if birth <= cut:
            index = i
    return index


def index_case(birth_column, groups, day: date):
    """SQL: the group index (0..n-1) of `birth_column` on `day`, oldest group tested first."""
    cuts = cutoffs(groups, day)
    whens = [(birth_column <= cut, literal(i)) for i, cut in reversed(list(enumerate(cuts, start=1)))]
    return case(*whens, else_=literal(0)) if whens else literal(0)


def label_case(birth_column, groups, day: date):
    """SQL: the group label of `birth_column` on `day`."""
    cuts = cutoffs(groups, day)
    whens = [(birth_column <= cut, literal(groups[i].label))
             for i, cut in reversed(list(enumerate(cuts, start=1)))]
    return case(*whens, else_=literal(groups[0].label)) if whens else literal(groups[0].label)

