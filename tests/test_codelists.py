"""Code lists are defined once with their German labels; a person's str/repr carries no personal data."""
from __future__ import annotations

from caseapp.codelists import AuditAction, PersonState, ResidenceStatus, ShelterState, action_label
from caseapp.people.codes import RESIDENCE_STATUSES
from caseapp.sources.models import RUN_STATUS_LABELS_DE, RUN_STATUSES
from caseapp.workflows.states import STATE_LABELS_DE


def test_members_are_their_stored_strings():
    assert PersonState.arrived == "arrived" and f"{ShelterState.open}" == "open"
    assert PersonState("housed") is PersonState.housed and PersonState.housed.label == "in Wohnung"
    assert ResidenceStatus.DULDUNG.label == RESIDENCE_STATUSES["DULDUNG"] == "Duldung"
    assert RUN_STATUSES == ("running", "done", "rejected", "failed", "held")
    assert RUN_STATUS_LABELS_DE["held"] == "angehalten (Bestätigung nötig)"
    assert STATE_LABELS_DE["closed"] == "geschlossen" and STATE_LABELS_DE["announced"] == "angekündigt"


def test_one_label_per_audit_action_for_the_audit_list_and_the_access_report():
    from caseapp.admin.audit import ACTION_LABELS
    from caseapp.privacy import access_report

    assert access_report.action_label is action_label
    assert ACTION_LABELS["read"] == action_label("read") == AuditAction.read.label
    assert action_label("transition:depart") == ACTION_LABELS["transition:depart"] == "Übergang Wegzug"
    assert action_label("something_new") == "something_new"


def test_str_and_repr_of_a_person_carry_no_name(factory):
    person = factory.person(family_name="Yılmaz", given_names="Ayşe", state="arrived")
    for text in (str(person), repr(person), f"{person}", f"{person!r}"):
        assert "Yılmaz" not in text and "Ayşe" not in text
    assert repr(person) == f"<Person {person.id} arrived>" and str(person) == f"Person {person.id}"
    assert "Yılmaz" in person.display_name  # pages still show the name where they mean to
