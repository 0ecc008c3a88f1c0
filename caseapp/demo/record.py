"""Collects the demo city's lifecycle history (transitions and stays) in memory, in the order it happened.

Event names follow caseapp/workflows: `arrive`, `allocate`, `relocate`, `move_out`, `depart`.  A person's
first row has no from-state and the event `REGISTER_EVENT`: announced by the state's reception authority,
registered at birth, or taken over from before the three simulated years as already housed.
"""
from __future__ import annotations

from datetime import date

REGISTER_EVENT = "register"

ANNOUNCED, ARRIVED, ACCOMMODATED, HOUSED, DEPARTED = (
    "announced",
    "arrived",
    "accommodated",
    "housed",
    "departed",
)

# Which event may lead from which state to which (the person machine of caseapp/workflows).
ALLOWED = {
    ("arrive", ANNOUNCED): ARRIVED,
    ("allocate", ARRIVED): ACCOMMODATED,
    ("relocate", ACCOMMODATED): ACCOMMODATED,
    ("move_out", ACCOMMODATED): HOUSED,
    ("move_out", ARRIVED): HOUSED,       # straight into a flat (relatives, host family), never in a shelter
    ("depart", ANNOUNCED): DEPARTED,
    ("depart", ARRIVED): DEPARTED,
    ("depart", ACCOMMODATED): DEPARTED,
    ("depart", HOUSED): DEPARTED,
}


class Recorder:
    def __init__(self):
        self.transitions: list[tuple] = []   # (day, seq, person_id, event, from, to, reason)
        self.stays: list[list] = []          # [person_id, room_id, start, end]
        self.open_stays: dict[int, list] = {}
        self._seq = 0

    def register(self, p, day: date, to: str, reason: str | None = None) -> None:
        assert p.state is None, f"person {p.id} registered twice"
        self._add(p, day, REGISTER_EVENT, to, reason)

    def step(self, p, day: date, event: str, reason: str | None = None) -> None:
        to = ALLOWED.get((event, p.state))
        if to is None:
            raise AssertionError(f"person {p.id}: {event} not allowed from {p.state}")
        self._add(p, day, event, to, reason)

    def _add(self, p, day, event, to, reason) -> None:
        self._seq += 1
        self.transitions.append((day, self._seq, p.id, event, p.state, to, reason))
        p.state = to

    def open_stay(self, p, room, day: date) -> None:
        assert p.id not in self.open_stays, f"person {p.id} already has an open stay"
        stay = [p.id, room.id, day, None]
        self.stays.append(stay)
        self.open_stays[p.id] = stay

    def close_stay(self, p, day: date) -> None:
        stay = self.open_stays.pop(p.id)
        assert stay[2] <= day, f"person {p.id}: stay ends before it starts"
        stay[3] = day

    def in_shelter(self, p) -> bool:
        return p.id in self.open_stays
