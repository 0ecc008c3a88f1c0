"""The machines themselves: states, events, strictness, lazy binding to rows, generated diagrams."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from statemachine.exceptions import TransitionNotAllowed

from caseapp.workflows import allowed_events, machine_for
from caseapp.workflows.person import PersonMachine
from caseapp.workflows.states import PersonState, ShelterState

ROOT = Path(__file__).resolve().parent.parent


class Row:
    """Stands in for a loaded row: the machine only needs a `state` attribute."""

    def __init__(self, state):
        self.state = state


class Person(Row):
    pass


class Shelter(Row):
    pass


@pytest.mark.parametrize("state,events", [
    ("announced", ["arrive", "depart"]),
    ("arrived", ["allocate", "move_out", "depart"]),
    ("accommodated", ["relocate", "move_out", "depart"]),
    ("housed", ["allocate", "depart"]),
    ("departed", []),
])
def test_person_events_per_state(state, events):
    assert allowed_events(Person(state)) == events


@pytest.mark.parametrize(
    "state,events", [("planned", ["open", "close"]), ("open", ["close"]), ("closed", [])]
)
def test_shelter_events_per_state(state, events):
    assert allowed_events(Shelter(state)) == events


def test_states_are_the_stored_enum_values():
    assert {s.value for s in PersonMachine.states} == {s.value for s in PersonState}
    assert [s.value for s in machine_for(Shelter("open")).__class__.states] == [s.value for s in ShelterState]


def test_the_machine_writes_the_row_and_keeps_a_loaded_state():
    row = Person("arrived")  # a loaded row: the machine must not reset it to the initial state
    machine = machine_for(row)
    assert machine.current_state_value == "arrived"
    machine.send("move_out")
    assert row.state == "housed"


def test_illegal_events_raise_and_guards_hold():
    with pytest.raises(TransitionNotAllowed):
        machine_for(Person("departed")).send("arrive")
    row = Person("arrived")
    with pytest.raises(TransitionNotAllowed):
        machine_for(row).send("allocate")  # no target room: guard has_target_room fails
    assert row.state == "arrived"
    with pytest.raises(TransitionNotAllowed):
        machine_for(Shelter("open")).send("close", occupied=3)  # guard is_empty


def test_relocation_into_the_same_room_is_refused_by_the_guard():
    class R:
        id = 7

    row = Person("accommodated")
    with pytest.raises(TransitionNotAllowed):
        machine_for(row).send("relocate", room=R(), current_room=R())
    machine_for(row).send("relocate", room=R(), current_room=None)
    assert row.state == "accommodated"


def test_docs_workflows_md_is_generated_from_the_machines():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_workflow_docs.py"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, "docs/workflows.md is stale: run python scripts/gen_workflow_docs.py"
    text = (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")
    assert "arrived --> housed: move_out" in text and "open --> closed: close / Schließen [is_empty]" in text
