"""The person lifecycle: announced -> arrived -> accommodated -> housed, departed from anywhere.

Decision on `move_out`: it is allowed from `accommodated` (leaving a shelter for a flat) and also
from `arrived` (a person who moves straight into a flat, e.g. by family reunification, without ever
being allocated to a shelter); otherwise such persons would be stuck in `arrived`.

Decision on `allocate`: it is allowed from `arrived` and also from `housed`: a person who loses their
flat (notice, fire, separation) must be placed in a shelter again, with the same room rules.

Guards are named conditions fed by the operation (`run_transition`), which decides the facts
(target room chosen, room differs) inside the transaction; the machine only states the rule.
"""
from __future__ import annotations

from statemachine import State, StateMachine

from caseapp.workflows.states import PersonState as S


class PersonMachine(StateMachine):
    announced = State("angekündigt", initial=True, value=S.announced.value)
    arrived = State("angekommen", value=S.arrived.value)
    accommodated = State("in Gemeinschaftsunterkunft", value=S.accommodated.value)
    housed = State("in Wohnung", value=S.housed.value)
    departed = State("weggezogen", final=True, value=S.departed.value)

    arrive = announced.to(arrived)
    allocate = arrived.to(accommodated, cond="has_target_room") | housed.to(
        accommodated, cond="has_target_room"
    )
    relocate = accommodated.to.itself(cond=["has_target_room", "target_is_another_room"])
    move_out = accommodated.to(housed) | arrived.to(housed)
    depart = announced.to(departed) | arrived.to(departed) | accommodated.to(departed) | housed.to(departed)

    def has_target_room(self, room=None) -> bool:
        """A free room was given or found for the person."""
        return room is not None

    def target_is_another_room(self, room=None, current_room=None) -> bool:
        """A relocation must lead somewhere else."""
        return room is not None and (current_room is None or room.id != current_room.id)
