"""Writers for households: create and edit (label, head, members), and lifecycle steps for a whole
household at once in one transaction (nobody moves unless everybody can). Flush and audit, never commit."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.audit.operations import record
from caseapp.extensions import db
from caseapp.people.models import Household, Person
from caseapp.people.operations import _office, lock_person, run_transition
from caseapp.shelters.models import Room, Shelter
from caseapp.shelters.operations import load_shelters, lock_shelters
from caseapp.shelters.placement.choice import may_override
from caseapp.shelters.placement.household import movers_of, pictures, plan_in
from caseapp.shelters.queries import active_stay
from caseapp.workflows import PERSON_EVENTS, allowed_events
from caseapp.workflows.dates import german
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
    return list(db.session.scalars(select(Person).where(Person.household_id == household.id,
                                                        Person.state != "departed").order_by(Person.id)))


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
        rooms = _plan(household, members, movers, event, on or date.today(), shelter_id, room_id,
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


def _plan(household, members, movers, event, on, shelter_id, room_id, *, override: bool) -> dict[int, Room]:
    room = None
    if room_id is not None:
        room = (
            db.session.get(Room, room_id)
            if isinstance(room_id, int) and not isinstance(room_id, bool)
            else None
        )
        if room is None:
            raise InvalidInput("room_id", f"Zimmer {room_id} gibt es nicht")
        shelter_ids = [room.shelter_id]
    elif shelter_id is not None:
        if isinstance(shelter_id, bool) or not isinstance(shelter_id, int):
            raise InvalidInput("shelter_id", f"Unterkunft {shelter_id} gibt es nicht")
        shelter_ids = [shelter_id]
    elif event == "relocate":
        raise InvalidInput("shelter_id", "Für eine Verlegung Unterkunft (shelter_id) oder Zimmer (room_id) "
                                         "angeben")
    else:
        shelter_ids = list(db.session.scalars(select(Shelter.id).where(Shelter.state == "open")))
    # Members who stay where they are (already placed, not moving) decide the shelter.
    staying = {active_stay(m.id).room.shelter_id for m in members if m not in movers and active_stay(m.id)}
    if staying:
        shelter_ids = [s for s in shelter_ids if s in staying]
    current = {m.id: active_stay(m.id) for m in movers}
    leaving = sorted({s.room.shelter_id for s in current.values() if s is not None})
    exclude = {s.room_id for s in current.values() if s is not None} if event == "relocate" else set()
    found = _find(load_shelters(shelter_ids), movers, on, room, override, exclude)
    if found is None:
        where = (f"in der Unterkunft {shelter_ids[0]}" if len(shelter_ids) == 1
                 else "in keiner geöffneten Unterkunft")
        raise TransitionRefused(f"Der Haushalt ({len(movers)} Personen) findet ab dem {german(on)} {where} "
                                "zusammen Platz; niemand wurde bewegt")
    # Decided again under the shelter locks (id order), as for one person (placement/choice.py).
    locked = [s for s in lock_shelters([found[0], *leaving]) if s.id == found[0]]
    again = _find(locked, movers, on, room, override, exclude)
    if again is None:
        raise TransitionRefused("Die Plätze wurden eben vergeben; niemand wurde bewegt, bitte erneut "
                                "versuchen")
    return again[1]


def _find(shelters, movers, on, room, override, exclude) -> tuple[int, dict[int, Room]] | None:
    """(shelter id, person id -> room) for the first shelter that takes every mover, or None."""
    open_ = [s for s in shelters if s.state == "open"]
    if room is not None and not open_:
        raise TransitionRefused("Die Unterkunft des Zimmers ist nicht geöffnet")
    rules = movers_of(movers, on)
    for picture in pictures(open_, on, [m.id for m in movers]):
        plan = plan_in(picture, rules, only_room=room, ignore_rules=override and room is not None,
                       exclude_room_ids=exclude)
        if plan is not None:
            return picture.shelter.id, plan
    return None
