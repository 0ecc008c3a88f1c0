"""Writers for households: create and edit (label, head, members), and lifecycle steps for a whole
household at once in one transaction (nobody moves unless everybody can). Flush and audit, never commit."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.audit.operations import record
from caseapp.codelists import PersonState
from caseapp.extensions import db
from caseapp.people.models import Household, Person
from caseapp.people.operations import _office, lock_person, run_transition
from caseapp.shelters.models import Room
from caseapp.shelters.placement.choice import may_override
from caseapp.shelters.placement.household import household_rooms
from caseapp.shelters.queries import active_stay
from caseapp.workflows import PERSON_EVENTS, allowed_events
from caseapp.workflows.errors import InvalidInput, TransitionRefused, clean_text
from caseapp.workflows.states import EVENT_LABELS_DE, STATE_LABELS_DE

PLACING = ("allocate", "relocate")


def create_household(*, by, label, office=None, channel: str | None = None) -> Household:
    """A new household of the acting user's office (the one given, when the user has several)."""
    household = Household(label=clean_text("label", label, 100), office_code=_office(by, office))
    db.session.add(household)
    db.session.flush()
    record("create", "household", household.id, by=by, channel=channel)
    return household


def update_household(household: Household, *, by, label=None, head_id=None, remove_ids=(),
                     channel: str | None = None) -> list[str]:
    """Change label and head, or take members out (they keep their records); returns what changed."""
    changed = []
    label = clean_text("label", label, 100)
    if label != household.label:
        household.label = label
        changed.append("label")
    member_ids = {m.id for m in household.members}
    for pid in remove_ids:
        if pid not in member_ids:
            raise InvalidInput("members", f"Person {pid} gehört nicht zu diesem Haushalt")
        db.session.get(Person, pid).household_id = None
        member_ids.discard(pid)
        changed.append("members")
        if household.head_id == pid:
            household.head_id = None
    if head_id is not None and head_id not in member_ids:
        raise InvalidInput("head_id", "Haushaltsvorstand muss ein Mitglied des Haushalts sein")
    if head_id != household.head_id and (head_id is not None or "members" not in changed):
        household.head_id = head_id
        changed.append("head")
    if changed:
        db.session.flush()
        record("update", "household", household.id, by=by, channel=channel,
               detail="fields=" + ",".join(sorted(set(changed))))
    return changed


def active_members(household: Household) -> list[Person]:
    return list(db.session.scalars(
        select(Person).where(Person.household_id == household.id, Person.state != PersonState.departed)
        .order_by(Person.id)))


def household_event(household: Household, event: str, *, by, on: date | None = None, reason=None,
                    shelter_id=None, room_id=None, override_reason=None,
                    channel: str | None = None) -> list[Person]:
    """The event for every member for whom it is possible now, all or nothing. Placing events find rooms
    in one shelter for all of them (shelters/placement/household.py) or refuse: nobody moves then."""
    if event not in PERSON_EVENTS:
        raise InvalidInput("event", f"Unbekanntes Ereignis „{event}“ (möglich: {', '.join(PERSON_EVENTS)})")
    members = [lock_person(m.id) for m in active_members(household)]
    movers = [m for m in members if event in allowed_events(m)]
    if not movers:
        raise TransitionRefused(f"„{EVENT_LABELS_DE[event]}“ ist für kein Mitglied des Haushalts möglich")
    if event == "allocate":
        movers = [m for m in movers if active_stay(m.id) is None]
        if not movers:
            raise TransitionRefused("Alle Mitglieder des Haushalts haben bereits ein Bett")
    if event in ("move_out", "depart", "relocate"):
        # Leaving or moving together: every member in a shelter must be able to take the step.
        stuck = [m for m in members if m not in movers and active_stay(m.id) is not None]
        if stuck:
            raise TransitionRefused(
                f"„{EVENT_LABELS_DE[event]}“ ist nicht für alle Mitglieder möglich (Person {stuck[0].id} ist "
                f"„{STATE_LABELS_DE[stuck[0].state]}“); niemand wurde bewegt")
    rooms: dict[int, Room] = {}
    if event in PLACING:
        rooms = household_rooms(members, movers, event, on or date.today(), shelter_id, room_id,
                                override=may_override(by, override_reason))
    for member in movers:
        room = rooms.get(member.id)
        run_transition(member, event, by=by, on=on, reason=reason, room_id=room.id if room else None,
                       override_reason=override_reason, channel=channel, with_household=True)
    record(
        f"transition:{event}",
        "household",
        household.id,
        by=by,
        channel=channel,
        detail=f"members={len(movers)}"
        + (f",shelter={next(iter(rooms.values())).shelter_id}" if rooms else ""),
    )
    return members
