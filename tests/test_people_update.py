"""A caseworker corrects a person's data: same checks as registration, audited by field name only."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEvent
from caseapp.people.operations import update_person
from caseapp.workflows.errors import InvalidInput


def _values(person, **changes):
    values = {"family_name": person.family_name, "given_names": person.given_names, "birth": person.birth.iso,
              "sex": person.sex, "nationalities": person.nationality_codes,
              "residence_status": person.residence_status}
    values.update(changes)
    return values


def test_correction_changes_only_what_was_changed_and_audits_field_names(db, factory):
    user = factory.user("caseworker")
    person = factory.person(family_name="Haddad", nationalities=("SYR", "TUR"), street="Hasestraße",
                            house_number="3", state="arrived")
    changed = update_person(person, by=user, **_values(person, family_name="Haddat", birth="1990-05-00",
                                                       nationalities=["TUR"]))
    db.session.expire_all()
    assert set(changed) == {"family_name", "birth_date", "birth_precision", "nationalities"}
    assert person.family_name == "Haddat" and person.birth.iso == "1990-05-00"
    assert person.nationality_codes == ["TUR"] and person.nationality == "TUR"
    assert person.street == "Hasestraße" and person.state == "arrived"  # untouched
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert event.object_id == str(person.id) and "Haddat" not in (event.detail or "")


def test_nothing_changed_writes_no_audit_row(db, factory):
    person = factory.person()
    assert update_person(person, by=factory.user("caseworker"), **_values(person)) == []
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "update")) is None


def test_bad_values_are_refused_with_the_field_named(db, factory):
    other = factory.person(azr_number="111111111111")
    person = factory.person()
    user = factory.user("caseworker")
    with pytest.raises(InvalidInput, match="nationalities"):
        update_person(person, by=user, **_values(person, nationalities=["ABC"]))
    with pytest.raises(InvalidInput, match="anderen Person"):
        update_person(person, by=user, **_values(person), azr_number=other.azr_number)
