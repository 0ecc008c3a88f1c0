"""What anonymisation does to dates and the household: nothing exact enough to link a person back.

Exact days (entry, move-in, move-out, every transition and stay) single a person out as well as a
name does: "the man who arrived on 14 March and moved to Haste on 2 June". They become months, chosen
so that every figure on a month's last day stays exactly what it was (population by any dimension,
shelter occupancy, transitions and movements per month); only figures for a day inside a month can move.

- person dates, transition days and the office's "known since": the first day of their month;
- a stay [start, end): start becomes the last day of its month, end the first day of its month, so the
  stay covers a month's last day exactly when it did before and only ever gets shorter (the capacity
  trigger on `stay` never refuses it); a stay within one month becomes empty on that month's last day;
- an open stay is left as it is (retention never anonymises a person with one).

Household: the link to relatives whose names are still on record is cut; it stays only when every other
member is anonymised already or in the same run (`together`), so household sizes of wholly anonymised
families stay countable. Flushes nothing itself; the caller's anonymise() does.
"""
from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime

from sqlalchemy import delete, select

from caseapp.extensions import db
from caseapp.people.models import Person
from caseapp.shelters.models import Stay
from caseapp.sources.models import SourceHousehold
from caseapp.workflows.models import Transition


def month_start(day: date | None) -> date | None:
    return None if day is None else date(day.year, day.month, 1)


def month_last(day: date) -> date:
    return date(day.year, day.month, monthrange(day.year, day.month)[1])


def coarse_stay(start: date, end: date) -> tuple[date, date]:
    new_start = month_last(start)
    return new_start, max(month_start(end), new_start)


def coarsen_dates(person: Person) -> None:
    """Every date of the person's case to its month (see the module docstring for the rule)."""
    for field in ("entry_date", "move_in_date", "move_out_date"):
        setattr(person, field, month_start(getattr(person, field)))
    for office in person.offices:
        if office.since is not None:
            office.since = datetime(office.since.year, office.since.month, 1)
    for transition in db.session.scalars(select(Transition).where(
            Transition.entity == "person", Transition.entity_id == person.id)):
        transition.occurred_on = month_start(transition.occurred_on)
        if transition.recorded_at is not None:
            transition.recorded_at = datetime(transition.recorded_at.year, transition.recorded_at.month, 1)
    for stay in db.session.scalars(select(Stay).where(Stay.person_id == person.id, Stay.end_date.is_not(None))
                                   .order_by(Stay.start_date)):
        stay.start_date, stay.end_date = coarse_stay(stay.start_date, stay.end_date)


def scrub_household(person: Person, together: frozenset[int] = frozenset()) -> None:
    """Runs before the names go. The person leaves a household whose other members are still on record
    (their names would name this person); a wholly anonymised household keeps its members but loses its
    label and source family keys; a label naming the family goes at once."""
    household = person.household
    if household is None:
        return
    others = [m for m in household.members if m is not person]
    if all(m.anonymised_at is not None or m.id in together for m in others):
        household.label = None
        db.session.execute(delete(SourceHousehold).where(SourceHousehold.household_id == household.id))
        return
    if household.label and person.family_name and person.family_name.lower() in household.label.lower():
        household.label = None
    person.household = None
