"""Hypothesis drives random event sequences through the operations; the invariants must hold after each step.

Invariants: a room never holds more persons than beds - blocked; a person has at most one active
stay; `accommodated` <=> an active stay; the history chains from registration to the current
state with non-decreasing dates; a refused step changes nothing.
"""
from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from caseapp.people.operations import InvalidInput, TransitionRefused, register_person, run_transition
from caseapp.shelters.models import Room, Stay
from caseapp.shelters.operations import set_blocked_beds, shelter_event
from caseapp.workflows import PERSON_EVENTS
from caseapp.workflows.history import history

START = date.today() - timedelta(days=40)
# Every event, the placing ones more often (departure ends a person's story).
WEIGHTED_EVENTS = PERSON_EVENTS + ("arrive", "allocate", "allocate", "relocate", "relocate", "relocate")
ROOMS = (("1", 2, {"family": True}), ("2", 1, {"women_only": True}), ("3", 1, {"accessible": True}))


def test_random_event_sequences_keep_the_invariants(db, factory):
    user = factory.user(role="caseworker", offices=("int",))
    sequence = iter(range(10**6))

    class Lifecycles(RuleBasedStateMachine):
        @initialize()
        def setup(self):
            self.savepoint = db.session.begin_nested()
            n = next(sequence)
            self.shelters = [factory.shelter(name=f"GU H{n}-{i}", rooms=ROOMS) for i in range(2)]
            family = factory.household()
            family.office_code = "int"  # the registering caseworker's office may attach persons to it
            self.persons = [
                register_person(by=user, family_name=f"P{i}", given_names="X", birth="1990-01-01",
                                sex="w" if i % 2 else "m", nationalities=["AFG"], residence_status="ANKUNFT",
                                household_id=family.id if i < 2 else None,
                                needs="rollstuhl" if i == 4 else None)
                for i in range(5)
            ]
            self.day = START

        def teardown(self):
            if hasattr(self, "savepoint"):
                self.savepoint.rollback()

        def _snapshot(self, person):
            stays = db.session.execute(select(Stay.room_id, Stay.start_date, Stay.end_date)
                                       .where(Stay.person_id == person.id).order_by(Stay.id)).all()
            return person.state, stays, len(history("person", person.id))

        @rule(who=st.integers(0, 4), name=st.sampled_from(WEIGHTED_EVENTS), advance=st.integers(0, 2),
              where=st.sampled_from(["auto", "shelter0", "shelter1", "room0", "room1", "room2", "room3"]),
              back=st.sampled_from([False, False, False, True]))
        def step(self, who, name, advance, where, back):
            self.day = min(self.day + timedelta(days=advance), date.today())
            person = self.persons[who]
            rooms = [r for s in self.shelters for r in s.rooms]
            kwargs = {"auto": {}, "shelter0": {"shelter_id": self.shelters[0].id},
                      "shelter1": {"shelter_id": self.shelters[1].id}}.get(where)
            if kwargs is None:
                kwargs = {"room_id": rooms[int(where[-1])].id}
            on = self.day - timedelta(days=5) if back else self.day
            before = self._snapshot(person)
            try:
                run_transition(person, name, by=user, on=on, **kwargs)
                event(f"{name}: done")
            except (TransitionRefused, InvalidInput):
                event(f"{name}: refused")
                assert self._snapshot(person) == before, "a refused step changed something"

        @rule(who=st.integers(0, 4), which=st.integers(0, 1))
        def progress(self, who, which):
            """The natural next step (arrive, allocate, relocate), so sequences get somewhere."""
            person = self.persons[who]
            name = {"announced": "arrive", "arrived": "allocate", "accommodated": "relocate"}.get(
                person.state
            )
            if name is None:
                return
            before = self._snapshot(person)
            try:
                run_transition(person, name, by=user, on=self.day, shelter_id=self.shelters[which].id)
                event(f"{name}: done")
            except TransitionRefused:
                event(f"{name}: refused")
                assert self._snapshot(person) == before, "a refused step changed something"

        @rule(index=st.integers(0, 5), n=st.integers(0, 2))
        def block(self, index, n):
            room = [r for s in self.shelters for r in s.rooms][index]
            try:
                set_blocked_beds(room, min(n, room.beds), by=user, reason="Prüfung")
            except TransitionRefused:
                pass

        @rule(which=st.integers(0, 7), event=st.sampled_from(["open", "close"]))
        def shelter(self, which, event):
            if which > 1:  # closing is rare, or nobody would ever be placed
                return
            try:
                shelter_event(self.shelters[which], event, by=user, on=date.today())
            except TransitionRefused:
                pass

        @invariant()
        def rooms_never_overfull(self):
            if not hasattr(self, "shelters"):
                return
            ids = [r.id for s in self.shelters for r in s.rooms]
            rows = db.session.execute(
                select(Room.id, Room.beds - Room.blocked_beds, func.count(Stay.id))
                .outerjoin(Stay, (Stay.room_id == Room.id) & Stay.end_date.is_(None))
                .where(Room.id.in_(ids)).group_by(Room.id)).all()
            for room_id, usable, occupied in rows:
                assert occupied <= usable, f"room {room_id}: {occupied} persons, {usable} usable beds"

        @invariant()
        def state_agrees_with_stays_and_history(self):
            for person in getattr(self, "persons", []):
                active = db.session.scalar(select(func.count()).select_from(Stay).where(
                    Stay.person_id == person.id, Stay.end_date.is_(None)))
                assert active <= 1
                assert (active == 1) == (person.state == "accommodated")
                steps = history("person", person.id)
                chain = sorted(steps, key=lambda t: t.id)
                assert chain[0].event == "register" and chain[0].from_state is None
                for prev, nxt in itertools.pairwise(chain):
                    assert nxt.from_state == prev.to_state
                lifecycle = [t.occurred_on for t in chain[1:]]
                assert lifecycle == sorted(lifecycle)
                assert chain[-1].to_state == person.state

    run_state_machine_as_test(Lifecycles, settings=settings(
        max_examples=20, stateful_step_count=30, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
