"""The lifecycles of persons and shelters, each declared once as a state machine.

`machine_for(row)` binds the right machine to a loaded row (SQLAlchemy never calls `__init__` for
loaded rows, so the binding is made on demand, never stored on the row). `allowed_events(row)` names
the events possible from the row's current state; the admin UI shows a button for exactly these.
"""
from __future__ import annotations

from statemachine import StateMachine

PERSON_EVENTS = ("arrive", "allocate", "relocate", "move_out", "depart")
SHELTER_EVENTS = ("open", "close")


def machine_class(obj) -> type[StateMachine]:
    from caseapp.workflows.person import PersonMachine
    from caseapp.workflows.shelter import ShelterMachine

    name = type(obj).__name__
    if name == "Person":
        return PersonMachine
    if name == "Shelter":
        return ShelterMachine
    raise TypeError(f"No lifecycle for {name}")


def machine_for(obj) -> StateMachine:
    """A machine bound to the row's `state` column; sending an event writes the new state there."""
    return machine_class(obj)(model=obj, state_field="state")


def events_from(machine_cls: type[StateMachine], state_value: str) -> list[str]:
    """Event ids leaving a state, in declaration order, without duplicates."""
    for state in machine_cls.states:
        if state.value == state_value:
            seen: list[str] = []
            for transition in state.transitions:
                for event in str(transition.event).split():
                    if event not in seen:
                        seen.append(event)
            return seen
    return []


def allowed_events(obj) -> list[str]:
    """Events possible from the row's current state (guards such as 'room free' are not evaluated)."""
    cls = machine_class(obj)
    order = PERSON_EVENTS if cls.__name__ == "PersonMachine" else SHELTER_EVENTS
    possible = events_from(cls, obj.state)
    return [e for e in order if e in possible]
