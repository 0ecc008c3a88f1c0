"""The shelter lifecycle: planned -> open -> closed; a shelter with residents cannot close.

A planned shelter that never opens may be closed directly (the plan is dropped). A closed shelter
stays closed: reopening a building is registered as a new shelter.
"""
from __future__ import annotations

from statemachine import State, StateMachine

from caseapp.workflows.states import ShelterState as S


class ShelterMachine(StateMachine):
    planned = State("geplant", initial=True, value=S.planned.value)
    open = State("geöffnet", value=S.open.value)
    closed = State("geschlossen", final=True, value=S.closed.value)

    # `open` is both a state and (below) an event name in interfaces.md; the event is bound as
    # `open_` in Python and sent by its id "open".
    open_ = planned.to(open, event="open")
    close = planned.to(closed, cond="is_empty") | open.to(closed, cond="is_empty")

    def is_empty(self, occupied: int = 0) -> bool:
        """No active stay is left in the shelter."""
        return occupied == 0
