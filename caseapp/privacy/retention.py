"""Retention periods per data category and source, and which persons' periods have ended by a date.

A person's case ends when they depart: the day of the last `depart` transition or the delivered
move-out date (wegzugsdatum), whichever is later. Person data is kept for the longest period of the
offices that know the person (each office may need it for its own purpose until its period ends). A
person whose source still delivers them (a source record not marked missing) is not due: that
office's case is still open.
Raw delivered content is kept shorter: rejected lines (with names) for months, whole archived
delivery files for days after receipt.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from caseapp.codelists import PersonState
from caseapp.extensions import db
from caseapp.fieldrules import digits
from caseapp.people.models import Person
from caseapp.shelters.models import Stay
from caseapp.sources.models import SourceRecord
from caseapp.workflows.models import Transition

# category -> (config key of its default, unit)
CATEGORIES = {
    "person": ("CASEAPP_RETENTION_PERSON_MONTHS", "months"),
    "raw_record": ("CASEAPP_RETENTION_RAW_RECORD_MONTHS", "months"),
    "delivery": ("CASEAPP_RETENTION_DELIVERY_DAYS", "days"),
}
CATEGORY_LABELS_DE = {
    "person": "Personendaten (Fallakte) nach Fallende",
    "raw_record": "Abgelehnte Rohzeilen aus Lieferungen (zur Prüfung) nach Eingang",
    "delivery": "Archivierte Lieferdateien nach Eingang",
}


class RetentionConfigError(ValueError):
    pass


def parse_overrides(text: str) -> dict[tuple[str, str], int]:
    """'jug.person=36, abh.delivery=30' -> {("jug", "person"): 36, ("abh", "delivery"): 30}."""
    result: dict[tuple[str, str], int] = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        name, _, value = item.partition("=")
        source, _, category = name.strip().partition(".")
        if category not in CATEGORIES or not source or not digits(value.strip()):
            raise RetentionConfigError(
                f"Aufbewahrungsfrist „{item}“ ist ungültig; erwartet z. B. „jug.person=36“ "
                f"(Kategorien: {', '.join(CATEGORIES)})."
            )
        result[(source, category)] = int(value)
    return result


@dataclass(frozen=True)
class Policy:
    defaults: dict[str, int]
    overrides: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config) -> Policy:
        defaults = {cat: int(config[key]) for cat, (key, _unit) in CATEGORIES.items()}
        return cls(defaults, parse_overrides(config.get("CASEAPP_RETENTION_OVERRIDES", "")))

    def period(self, category: str, source: str | None = None) -> int:
        return self.overrides.get((source, category), self.defaults[category])

    def person_months(self, office_codes) -> int:
        """The longest person period of the offices that know the person (the default if none)."""
        return max((self.period("person", code) for code in office_codes), default=self.defaults["person"])

    def describe(self) -> list[dict]:
        """Every category with its default and per-source values, for the admin and the record."""
        rows = []
        for cat, (_key, unit) in CATEGORIES.items():
            per_source = {src: v for (src, c), v in sorted(self.overrides.items()) if c == cat}
            rows.append({"category": cat, "label": CATEGORY_LABELS_DE[cat], "unit": unit,
                         "default": self.defaults[cat], "per_source": per_source})
        return rows


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def case_end(person: Person, last_depart: date | None) -> date:
    ends = [d for d in (last_depart, person.move_out_date) if d is not None]
    if ends:
        return max(ends)
    # A departed person without a dated transition: the last change of the row is the best we have.
    return (person.updated_at or person.created_at).date()


def due_persons(as_of: date, policy: Policy) -> list[Person]:
    """Departed, not yet anonymised persons whose case ended at least their period before `as_of`."""
    last_depart = (
        select(Transition.entity_id.label("person_id"), func.max(Transition.occurred_on).label("day"))
        .where(Transition.entity == "person", Transition.event == "depart")
        .group_by(Transition.entity_id)
        .subquery()
    )
    open_stay = select(Stay.id).where(Stay.person_id == Person.id, Stay.end_date.is_(None)).exists()
    # A source that still delivers the person still has the case open (abh: "delivered while the case is
    # open").
    still_delivered = select(SourceRecord.id).where(
        SourceRecord.person_id == Person.id, SourceRecord.missing_since.is_(None)).exists()
    rows = db.session.execute(
        select(Person, last_depart.c.day)
        .outerjoin(last_depart, last_depart.c.person_id == Person.id)
        .where(Person.state == PersonState.departed, Person.anonymised_at.is_(None), ~open_stay,
               ~still_delivered)
        .options(selectinload(Person.offices))
        .order_by(Person.id)
    ).all()
    due = []
    for person, depart_day in rows:
        months = policy.person_months(o.office_code for o in person.offices)
        if add_months(case_end(person, depart_day), months) <= as_of:
            due.append(person)
    return due
