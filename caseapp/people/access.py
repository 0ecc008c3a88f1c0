"""Which persons a user may see, and which of their fields: the one place that decides it.

caseworker: persons known to one of the user's offices (delivered by that office's source or
registered by it), all fields. shelter_manager: allocation fields of the persons who live in a shelter,
are announced or arrived and wait for a bed, or left a shelter less than 30 days ago (interfaces.md);
nobody in a private flat beyond that. Both roles: the union. Every other role: no person at all.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, exists, false, or_, select

from caseapp.auth.roles import CASEWORKER, SHELTER_MANAGER, has_any
from caseapp.codelists import WAITING_STATES
from caseapp.localtime import local_today
from caseapp.people.models import Household, Person, PersonOffice
from caseapp.shelters.models import Stay

# What a shelter manager may read of a person (interfaces.md: name, birth date, sex, household, needs).
ALLOCATION_FIELDS = frozenset({
    "id", "family_name", "given_names", "birth_date", "birth_precision", "sex", "household_id", "needs",
    "state",
})


def can_read_persons(user) -> bool:
    return has_any(user, {CASEWORKER, SHELTER_MANAGER})


def sees_all_fields(user) -> bool:
    return has_any(user, {CASEWORKER})


# A shelter manager still sees a person this many days after they left a shelter (the stay's end).
SHELTER_AFTERCARE_DAYS = 30


def shelter_scope(today: date | None = None):
    """The persons a shelter manager may see: in a shelter now, waiting for a bed, or out for < 30 days.

    The stays are read once per query (a hashed subplan over the few open and recent stays, index
    ix_stay_end_person), never per person row, so the resident list stays as fast as before.
    """
    cutoff = (today or local_today()) - timedelta(days=SHELTER_AFTERCARE_DAYS)
    recent = select(Stay.person_id).where(or_(Stay.end_date.is_(None), Stay.end_date > cutoff))
    return or_(Person.state.in_(WAITING_STATES), Person.id.in_(recent))


def known_to_offices(user):
    codes = sorted(user.office_codes)
    return exists().where(PersonOffice.person_id == Person.id, PersonOffice.office_code.in_(codes))


def visible_persons(user, stmt: Select | None = None) -> Select:
    """Narrow a select of Person to what the user may see (nothing for roles without person access)."""
    stmt = select(Person) if stmt is None else stmt
    caseworker, manager = has_any(user, {CASEWORKER}), has_any(user, {SHELTER_MANAGER})
    if caseworker and manager:
        return stmt.where(or_(known_to_offices(user), shelter_scope()))
    if caseworker:
        return stmt.where(known_to_offices(user))
    if manager:
        return stmt.where(shelter_scope())
    return stmt.where(false())


def visible_households(user, stmt: Select | None = None) -> Select:
    """Narrow a select of Household to those the user may see or attach a person to: a household with a
    member visible to the user, or one created by one of the user's offices (POST /api/v1/households).
    Every other household is treated exactly like one that does not exist."""
    stmt = select(Household) if stmt is None else stmt
    if not can_read_persons(user):
        return stmt.where(false())
    members = visible_persons(user, select(Person.household_id)).where(Person.household_id.is_not(None))
    own = Household.office_code.in_(sorted(user.office_codes)) if user.office_codes else false()
    return stmt.where(or_(Household.id.in_(members), own))


def get_visible_household(session, user, household_id) -> Household | None:
    if not isinstance(household_id, int) or isinstance(household_id, bool):
        return None
    return session.scalar(visible_households(user).where(Household.id == household_id))


def get_visible_person(session, user, person_id: int) -> Person | None:
    """The person if the user may see them; None otherwise, exactly as for an id that does not exist."""
    return session.scalar(visible_persons(user).where(Person.id == person_id))


def field_allowed(user, person: Person, field: str) -> bool:
    """Whether this user may read this field of this (visible) person."""
    if has_any(user, {CASEWORKER}):
        codes = user.office_codes
        if any(o.office_code in codes for o in person.offices):
            return True
    return field in ALLOCATION_FIELDS and has_any(user, {SHELTER_MANAGER})
