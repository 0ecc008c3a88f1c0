"""Which persons a user may see, and which of their fields: the one place that decides it.

caseworker: persons known to one of the user's offices (delivered by that office's source or
registered by it), all fields. shelter_manager: persons who are or may become shelter residents
(not departed), allocation fields only. Every other role: no person at all.
"""
from __future__ import annotations

from sqlalchemy import Select, exists, false, select

from caseapp.auth.roles import CASEWORKER, SHELTER_MANAGER, has_any
from caseapp.people.models import Person, PersonOffice

# What a shelter manager may read of a person (interfaces.md: name, birth date, sex, household, needs).
ALLOCATION_FIELDS = frozenset({
    "id", "family_name", "given_names", "birth_date", "birth_precision", "sex", "household_id", "needs", "state",
})


def can_read_persons(user) -> bool:
    return has_any(user, {CASEWORKER, SHELTER_MANAGER})


def sees_all_fields(user) -> bool:
    return has_any(user, {CASEWORKER})


def visible_persons(user, stmt: Select | None = None) -> Select:
    """Narrow a select of Person to what the user may see (nothing for roles without person access)."""
    stmt = select(Person) if stmt is None else stmt
    if has_any(user, {CASEWORKER}):
        codes = sorted(user.office_codes)
        known = exists().where(PersonOffice.person_id == Person.id, PersonOffice.office_code.in_(codes))
        if has_any(user, {SHELTER_MANAGER}):
            return stmt.where(known | (Person.state != "departed"))
        return stmt.where(known)
    if has_any(user, {SHELTER_MANAGER}):
        return stmt.where(Person.state != "departed")
    return stmt.where(false())


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
