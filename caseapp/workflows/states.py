"""State values as stored in the database (readable strings), with their German labels."""
from __future__ import annotations

from enum import Enum


class PersonState(str, Enum):
    announced = "announced"
    arrived = "arrived"
    accommodated = "accommodated"
    housed = "housed"
    departed = "departed"


class ShelterState(str, Enum):
    planned = "planned"
    open = "open"
    closed = "closed"


STATE_LABELS_DE = {
    "announced": "angekündigt",
    "arrived": "angekommen",
    "accommodated": "in Gemeinschaftsunterkunft",
    "housed": "in Wohnung",
    "departed": "weggezogen",
    "planned": "geplant",
    "open": "geöffnet",
    "closed": "geschlossen",
}

EVENT_LABELS_DE = {
    "arrive": "Ankunft",
    "allocate": "Zuweisung",
    "relocate": "Verlegung",
    "move_out": "Auszug in Wohnung",
    "depart": "Wegzug",
    "open": "Öffnen",
    "close": "Schließen",
}
