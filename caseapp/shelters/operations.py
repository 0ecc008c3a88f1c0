"""Writers for shelters and rooms: create, open/close, block beds. They flush and audit, never commit."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from caseapp import fieldrules
from caseapp.audit.operations import record
from caseapp.districts.models import District
from caseapp.extensions import db
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.workflows import SHELTER_EVENTS, allowed_events, machine_for
from caseapp.workflows.dates import event_date
from caseapp.workflows.errors import InvalidInput, TransitionRefused, clean_text
from caseapp.workflows.history import record_transition
from caseapp.workflows.states import EVENT_LABELS_DE, STATE_LABELS_DE, ShelterState

SHELTER_FIELDS = ("street", "house_number", "postcode", "operator", "fire_safety_max")
ROOM_FLAGS = ("accessible", "family", "women_only", "mixed")
# Room features as interfaces.md names them -> the room's flag.
FEATURES = {"barrierefrei": "accessible", "familie": "family", "frauen": "women_only", "gemischt": "mixed"}


def load_shelters(ids) -> list[Shelter]:
    """Shelters with their rooms, in id order, without locks."""
    ids = sorted({i for i in ids if i is not None})
    stmt = (
        select(Shelter).where(Shelter.id.in_(ids)).order_by(Shelter.id).options(selectinload(Shelter.rooms))
    )
    return list(db.session.scalars(stmt)) if ids else []


def lock_shelters(ids) -> list[Shelter]:
    """Row-lock shelters in id order (one order everywhere, so two allocations never deadlock), and
    re-read them and their rooms as they are now."""
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return []
    stmt = (select(Shelter).where(Shelter.id.in_(ids)).order_by(Shelter.id).with_for_update(of=Shelter)
            .options(joinedload(Shelter.rooms)).execution_options(populate_existing=True))
    return list(db.session.scalars(stmt).unique())


def _count(field: str, value, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInput(field, f"muss eine ganze Zahl ab {minimum} sein")
    return value


def _room(i: int, spec) -> Room:
    if not isinstance(spec, dict):
        raise InvalidInput(f"rooms[{i}]", "muss ein Objekt mit name und beds sein")
    unknown = set(spec) - {"name", "beds", "blocked_beds", "features", *ROOM_FLAGS}
    if unknown:
        raise InvalidInput(f"rooms[{i}]", f"unbekannte Angabe {', '.join(sorted(unknown))}")
    room = Room(name=clean_text(f"rooms[{i}].name", spec.get("name"), 50),
                beds=_count(f"rooms[{i}].beds", spec.get("beds"), 1),
                blocked_beds=_count(f"rooms[{i}].blocked_beds", spec.get("blocked_beds", 0)))
    if room.blocked_beds > room.beds:
        raise InvalidInput(f"rooms[{i}].blocked_beds", "mehr gesperrte Betten als Betten")
    for flag in ROOM_FLAGS:
        value = spec.get(flag, False)
        if not isinstance(value, bool):
            raise InvalidInput(f"rooms[{i}].{flag}", "muss true oder false sein")
        setattr(room, flag, value)
    features = spec.get("features", [])
    if not isinstance(features, list):
        raise InvalidInput(f"rooms[{i}].features", "als Liste, z. B. [\"barrierefrei\"] "
                                                   f"({', '.join(FEATURES)})")
    for word in features:
        if word not in FEATURES:
            raise InvalidInput(
                f"rooms[{i}].features", f"unbekanntes Merkmal „{word}“ ({', '.join(FEATURES)})"
            )
        setattr(room, FEATURES[word], True)
    return room


def create_shelter(*, by, name, district, rooms, actor: str | None = None, channel: str | None = None,
                   **fields) -> Shelter:
    """A new shelter in state `planned` with its rooms; validated, history and audit written."""
    name = clean_text("name", name, 200)
    if db.session.scalar(select(Shelter.id).where(Shelter.name == name)) is not None:
        raise InvalidInput("name", f"Eine Unterkunft „{name}“ gibt es bereits")
    if not isinstance(district, str) or db.session.get(District, district) is None:
        raise InvalidInput("district", f"Stadtteil „{district}“ gibt es nicht (01 bis 23)")
    if not isinstance(rooms, list) or not rooms:
        raise InvalidInput("rooms", "mindestens ein Zimmer angeben")
    unknown = set(fields) - set(SHELTER_FIELDS)
    if unknown:
        raise InvalidInput(min(unknown), "unbekannte Angabe")
    built = [_room(i, spec) for i, spec in enumerate(rooms)]
    if len({r.name for r in built}) != len(built):
        raise InvalidInput("rooms", "Zimmernamen müssen innerhalb der Unterkunft eindeutig sein")
    shelter = Shelter(name=name, district_number=district, state=ShelterState.planned.value, rooms=built)
    for key in ("street", "house_number", "operator"):
        setattr(shelter, key, clean_text(key, fields.get(key), 200, required=False))
    postcode = clean_text("postcode", fields.get("postcode"), 5, required=False)
    if postcode is not None and fieldrules.postcode_error(postcode):
        raise InvalidInput("postcode", "Postleitzahl aus 5 Ziffern (0-9)")
    shelter.postcode = postcode
    if fields.get("fire_safety_max") is not None:
        shelter.fire_safety_max = _count("fire_safety_max", fields["fire_safety_max"])
    db.session.add(shelter)
    db.session.flush()
    record_transition(
        "shelter", shelter.id, "register", None, shelter.state, date.today(), by=by, actor=actor
    )
    record("create", "shelter", shelter.id, by=by, actor=actor, channel=channel, detail=f"rooms={len(built)}")
    return shelter


def add_rooms(shelter: Shelter, rooms, *, by, actor: str | None = None,
              channel: str | None = None) -> list[Room]:
    """New rooms for an existing shelter (a floor converted, containers set up); validated like the rooms
    of create_shelter, names unique within the shelter; not for a closed shelter. History is the audit row."""
    if shelter.state == ShelterState.closed.value:
        raise TransitionRefused("Eine geschlossene Unterkunft bekommt keine Zimmer mehr")
    if not isinstance(rooms, list) or not rooms:
        raise InvalidInput("rooms", "mindestens ein Zimmer angeben")
    built = [_room(i, spec) for i, spec in enumerate(rooms)]
    names = [r.name for r in built] + [r.name for r in shelter.rooms]
    if len(set(names)) != len(names):
        raise InvalidInput("rooms", "Zimmernamen müssen innerhalb der Unterkunft eindeutig sein")
    shelter.rooms.extend(built)
    db.session.flush()
    record("update", "shelter", shelter.id, by=by, actor=actor, channel=channel,
           detail=f"rooms_added={len(built)},beds_added={sum(r.beds for r in built)}")
    return built


def shelter_event(shelter: Shelter, event: str, *, by, on: date | None = None, reason: str | None = None,
                  actor: str | None = None, channel: str | None = None) -> Shelter:
    """Open or close a shelter; closing one that still has residents is refused."""
    if event not in SHELTER_EVENTS:
        raise InvalidInput("event", f"Unbekanntes Ereignis „{event}“ (möglich: {', '.join(SHELTER_EVENTS)})")
    reason = clean_text("reason", reason, 500, required=False)
    (shelter,) = lock_shelters([shelter.id])
    if event not in allowed_events(shelter):
        raise TransitionRefused(
            f"„{EVENT_LABELS_DE[event]}“ ist für eine Unterkunft im Zustand "
            f"„{STATE_LABELS_DE[shelter.state]}“ nicht möglich"
        )
    on = event_date("shelter", shelter.id, on)
    occupied = 0
    if event == "close":
        occupied = db.session.scalar(
            select(func.count()).select_from(Stay).join(Room, Room.id == Stay.room_id)
            .where(Room.shelter_id == shelter.id, (Stay.end_date.is_(None)) | (Stay.end_date > on))
        ) or 0
        if occupied:
            raise TransitionRefused(
                f"Die Unterkunft ist noch mit {occupied} Person(en) belegt und kann nicht geschlossen werden"
            )
    before = shelter.state
    machine_for(shelter).send(event, occupied=occupied)
    db.session.flush()
    record_transition(
        "shelter", shelter.id, event, before, shelter.state, on, by=by, actor=actor, reason=reason
    )
    record(f"transition:{event}", "shelter", shelter.id, by=by, actor=actor, channel=channel,
           detail=f"from={before},to={shelter.state}")
    return shelter


def set_blocked_beds(room: Room, n: int, *, by, reason: str, actor: str | None = None,
                     channel: str | None = None) -> Room:
    """Block n beds of a room (damage, quarantine); refused when that would leave a resident without a bed."""
    n = _count("blocked_beds", n)
    reason = clean_text("reason", reason, 400)
    lock_shelters([room.shelter_id])
    room = db.session.execute(select(Room).where(Room.id == room.id).with_for_update()
                              .execution_options(populate_existing=True)).scalar_one()
    if n > room.beds:
        raise InvalidInput("blocked_beds", f"Das Zimmer hat nur {room.beds} Betten")
    occupied = db.session.scalar(
        select(func.count()).select_from(Stay).where(Stay.room_id == room.id, Stay.end_date.is_(None))
    ) or 0
    if room.beds - n < occupied:
        raise TransitionRefused(
            f"Im Zimmer {room.name} sind {occupied} Betten belegt; höchstens {room.beds - occupied} "
            "können gesperrt werden"
        )
    before = room.blocked_beds
    room.blocked_beds = n
    db.session.flush()
    shelter = room.shelter
    # Kept in the shelter's history (who, when, why) without changing its state.
    record_transition("shelter", shelter.id, "block_beds", shelter.state, shelter.state, date.today(),
                      by=by, actor=actor, reason=f"Zimmer {room.name}: {before} -> {n} gesperrt. {reason}")
    record(
        "block_beds", "room", room.id, by=by, actor=actor, channel=channel, detail=f"blocked={before}->{n}"
    )
    return room


def set_room_features(room: Room, features, *, by, actor: str | None = None,
                      channel: str | None = None) -> Room:
    """Set a room's features (barrierefrei, familie, frauen, gemischt; the others are cleared).
    Only new placements are checked against them: nobody is moved out by a change."""
    if not isinstance(features, (list, tuple, set)) or any(f not in FEATURES for f in features):
        raise InvalidInput("features", f"unbekanntes Merkmal (möglich: {', '.join(FEATURES)})")
    lock_shelters([room.shelter_id])
    before = sorted(w for w, flag in FEATURES.items() if getattr(room, flag))
    for word, flag in FEATURES.items():
        setattr(room, flag, word in features)
    after = sorted(w for w, flag in FEATURES.items() if getattr(room, flag))
    if before != after:
        db.session.flush()
        record("room_features", "room", room.id, by=by, actor=actor, channel=channel,
               detail=f"features={'+'.join(before) or '-'}->{'+'.join(after) or '-'}")
    return room


def room_features(room: Room) -> list[str]:
    """The room's features by their interfaces.md names."""
    return [word for word, flag in FEATURES.items() if getattr(room, flag)]
