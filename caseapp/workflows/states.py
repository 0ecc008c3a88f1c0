"""State and event labels of the lifecycles; the state code lists live in caseapp/codelists.py."""
from __future__ import annotations

from caseapp.codelists import PersonState, ShelterState, labels

__all__ = ["EVENT_LABELS_DE", "STATE_LABELS_DE", "PersonState", "ShelterState"]

STATE_LABELS_DE = {**labels(PersonState), **labels(ShelterState)}

EVENT_LABELS_DE = {
    "arrive": "Ankunft",
    "allocate": "Zuweisung",
    "relocate": "Verlegung",
    "move_out": "Auszug in Wohnung",
    "depart": "Wegzug",
    "open": "Öffnen",
    "close": "Schließen",
}
