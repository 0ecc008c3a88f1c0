"""The auditor's look-up of a data subject by name and birth date (for the Art. 15 report).

A person asking for their data gives their name and birth date, not the city's internal number. The
look-up needs both (it is a look-up, not a browse), compares names without case and accents
("Yilmaz" finds "Yılmaz") and matches a recorded partial birth date ("00.05.1990") with any day it
contains. It answers only what is needed to pick the person: number, name, birth date.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select

from caseapp.extensions import db
from caseapp.people.birthdate import DAY, MONTH, YEAR, BirthDate, BirthDateError
from caseapp.people.models import Person
from caseapp.people.names import fold

MAX_HITS = 20


class LookupInputError(ValueError):
    """Bad look-up input; the message is German and names the field."""


@dataclass(frozen=True)
class Hit:
    id: int
    name: str
    birth: str


def parse_birth(text: str) -> BirthDate:
    text = (text or "").strip()
    try:
        return BirthDate.parse_german(text) if "." in text else BirthDate.parse_iso(text)
    except BirthDateError as exc:
        raise LookupInputError(f"Geburtsdatum: {exc}") from None


def _birth_condition(birth: BirthDate):
    """Recorded dates compatible with the given one (a recorded year-only date fits any day of its year)."""
    ref, year = birth.reference, birth.reference.year
    year_only = and_(Person.birth_precision == YEAR, Person.birth_date == date(year, 7, 1))
    if birth.precision == YEAR:
        return Person.birth_date.between(date(year, 1, 1), date(year, 12, 31))
    month_only = and_(Person.birth_precision == MONTH, Person.birth_date == date(year, ref.month, 15))
    if birth.precision == MONTH:
        last = date(year, ref.month, monthrange(year, ref.month)[1])
        return or_(Person.birth_date.between(date(year, ref.month, 1), last), year_only)
    return or_(and_(Person.birth_precision == DAY, Person.birth_date == ref), month_only, year_only)


def find_persons(name: str, birth_text: str) -> list[Hit]:
    """At most MAX_HITS persons whose name holds every word of `name` and whose birth date fits."""
    words = fold(name).split()
    if not words or sum(len(w) for w in words) < 2:
        raise LookupInputError("Name: bitte mindestens zwei Buchstaben des Namens angeben")
    birth = parse_birth(birth_text)
    rows = db.session.scalars(select(Person).where(_birth_condition(birth), Person.anonymised_at.is_(None))
                              .order_by(Person.family_name, Person.given_names, Person.id))
    hits = []
    for person in rows:
        haystack = fold(f"{person.family_name} {person.given_names}")
        if all(w in haystack for w in words):
            hits.append(Hit(person.id, person.display_name, person.birth.german))
            if len(hits) == MAX_HITS:
                break
    return hits
