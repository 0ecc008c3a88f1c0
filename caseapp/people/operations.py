"""Writers for persons: registration and lifecycle steps with their stays; flush and audit, never commit."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from caseapp import fieldrules
from caseapp.audit.operations import record
from caseapp.districts.models import District
from caseapp.extensions import db
from caseapp.offices.models import Office
from caseapp.people.access import get_visible_household
from caseapp.people.birthdate import BirthDate, BirthDateError
from caseapp.people.codes import RESIDENCE_STATUSES, SEXES, is_nationality
from caseapp.people.models import Household, Person, PersonNationality, PersonOffice
from caseapp.shelters.models import Room, Stay
from caseapp.shelters.placement.choice import may_override, target_room
from caseapp.shelters.placement.rules import RULE_NAMES
from caseapp.shelters.queries import active_stay
from caseapp.workflows import PERSON_EVENTS, allowed_events, machine_for
from caseapp.workflows.dates import event_date, german
from caseapp.workflows.errors import InvalidInput, TransitionRefused, clean_text
from caseapp.workflows.history import record_transition
from caseapp.workflows.states import EVENT_LABELS_DE, STATE_LABELS_DE, PersonState

__all__ = ["InvalidInput", "TransitionRefused", "register_person", "run_transition"]

CLOSES_STAY = ("relocate", "move_out", "depart")
TEXT_FIELDS = {"street": 200, "house_number": 20, "city": 100, "needs": 200}
DATE_FIELDS = ("entry_date", "move_in_date", "move_out_date")
OPTIONAL_FIELDS = {*TEXT_FIELDS, *DATE_FIELDS, "postcode", "district", "household_id"}


def parse_date(field: str, value) -> date | None:
    """A date from a date or an ISO string 'YYYY-MM-DD'; InvalidInput naming the field otherwise."""
    if value is None or isinstance(value, date):
        return value
    try:
        return (
            date.fromisoformat(value)
            if isinstance(value, str) and len(value) == 10
            else _bad_date(field, value)
        )
    except ValueError:
        return _bad_date(field, value)


def _bad_date(field: str, value):
    raise InvalidInput(field, f"„{value}“ ist kein gültiges Datum der Form JJJJ-MM-TT")


def _birth(value) -> BirthDate:
    if isinstance(value, BirthDate):
        return value
    if isinstance(value, date):
        return BirthDate(value, "day")
    try:
        birth = BirthDate.parse_iso(value if isinstance(value, str) else "")
    except BirthDateError as exc:
        raise InvalidInput("birth_date", str(exc)) from None
    if birth.reference > date.today() and birth.precision == "day":
        raise InvalidInput("birth_date", "Das Geburtsdatum liegt in der Zukunft")
    return birth


def _nationalities(value) -> list[str]:
    if not isinstance(value, (list, tuple)) or not value:
        raise InvalidInput("nationalities", "mindestens eine Staatsangehörigkeit als Liste, z. B. [\"SYR\"]")
    codes = []
    for code in value:
        norm = code.strip().upper() if isinstance(code, str) else None
        if not norm or not is_nationality(norm):
            raise InvalidInput("nationalities", f"unbekannter Staatsangehörigkeitscode „{code}“ (ISO 3166 "
                                                "alpha-3)")
        if norm in codes:
            raise InvalidInput("nationalities", f"Code „{norm}“ doppelt angegeben")
        codes.append(norm)
    return codes


def _office(by, office) -> str | None:
    if office is not None:
        if not isinstance(office, str) or db.session.get(Office, office) is None:
            raise InvalidInput("office", f"Amt „{office}“ gibt es nicht")
        if by is not None and office not in by.office_codes:
            raise InvalidInput("office", f"Sie gehören nicht dem Amt „{office}“ an")
        return office
    if by is None:
        return None
    codes = sorted(by.office_codes)
    if not codes:
        raise InvalidInput("office", "Ihr Konto gehört keinem Amt an; ohne Amt kann niemand erfasst werden")
    if len(codes) > 1:
        raise InvalidInput("office", f"Sie gehören mehreren Ämtern an ({', '.join(codes)}); bitte eines "
                                     "angeben")
    return codes[0]


def _household_id(by, household_id, keep=None) -> int | None:
    """A household the acting user may attach a person to (people/access.py visible_households);
    an unknown id and another office's household get the same answer, so the id tells nothing."""
    if household_id is None or household_id == keep:
        return household_id
    valid = isinstance(household_id, int) and not isinstance(household_id, bool)
    if valid and by is None:  # a delivery or the system: any existing household
        valid = db.session.get(Household, household_id) is not None
    elif valid:
        valid = get_visible_household(db.session, by, household_id) is not None
    if not valid:
        raise InvalidInput("household_id", f"Einen Haushalt „{household_id}“ gibt es nicht oder er ist "
                                            "Ihnen nicht zugänglich")
    return household_id


def build_person(*, by, office, family_name, given_names, birth, sex, nationalities, residence_status,
                 azr_number, legal_basis, **optional) -> tuple[Person, str | None]:
    """A validated, unsaved Person and the registering office code; InvalidInput on the first bad field."""
    unknown = sorted(set(optional) - OPTIONAL_FIELDS)
    if unknown:
        raise InvalidInput(unknown[0], "unbekannte Angabe")
    office = _office(by, office)
    person = Person(family_name=clean_text("family_name", family_name, 200, required=True),
                    given_names=clean_text("given_names", given_names, 200, required=True),
                    legal_basis=clean_text("legal_basis", legal_basis, 100, required=False))
    person.birth = _birth(birth)
    if sex not in SEXES:
        raise InvalidInput("sex", f"„{sex}“ ist keine Angabe zum Geschlecht ({', '.join(SEXES)})")
    person.sex = sex
    if residence_status not in RESIDENCE_STATUSES:
        raise InvalidInput("residence_status", f"unbekannter Aufenthaltsstatus „{residence_status}“ "
                                               f"({', '.join(RESIDENCE_STATUSES)})")
    person.residence_status = residence_status
    person.set_nationalities(_nationalities(nationalities))
    if azr_number is not None:
        if not isinstance(azr_number, str) or fieldrules.azr_error(azr_number):
            raise InvalidInput("azr_number", "Die AZR-Nummer hat genau 12 Ziffern (0-9)")
        holder = db.session.scalar(select(Person.id).where(Person.azr_number == azr_number))
        if holder is not None and _known_to_user(by, holder):
            raise InvalidInput("azr_number", "Diese AZR-Nummer gehört bereits zu einer anderen Person")
        if holder is not None:
            # Known only to another office: no answer that tells the number exists (issue 13 item 7);
            # the conflict goes to the review queue and to that office (linkage/registration.py).
            person.azr_holder = holder
        else:
            person.azr_number = azr_number
    for field, max_len in TEXT_FIELDS.items():
        setattr(person, field, clean_text(field, optional.get(field), max_len, required=False))
    for field in DATE_FIELDS:
        setattr(person, field, parse_date(field, optional.get(field)))
    postcode = clean_text("postcode", optional.get("postcode"), 5, required=False)
    if postcode is not None and fieldrules.postcode_error(postcode):
        raise InvalidInput("postcode", "Postleitzahl aus 5 Ziffern (0-9)")
    person.postcode = postcode
    district = optional.get("district")
    if district is not None and (not isinstance(district, str) or db.session.get(District, district) is None):
        raise InvalidInput("district", f"Stadtteil „{district}“ gibt es nicht (01 bis 23)")
    person.district_number = district
    person.household_id = _household_id(by, optional.get("household_id"))
    if person.move_in_date and person.move_out_date and person.move_out_date < person.move_in_date:
        raise InvalidInput("move_out_date", "Der Wegzug liegt vor dem Zuzug")
    if office is not None:
        person.registered_by_office = office
        person.offices.append(PersonOffice(office_code=office, via="registration"))
    return person, office


def register_person(*, by, office=None, family_name, given_names, birth, sex, nationalities, residence_status,
                    azr_number=None, legal_basis=None, channel="api", actor: str | None = None,
                    **optional_fields) -> Person:
    """A new person in state `announced`, known to the registering office; validated, history and audit."""
    if by is None and not actor:
        raise ValueError("register_person needs `by` (a user) or `actor` (a label)")
    person, office = build_person(
        by=by, office=office, family_name=family_name, given_names=given_names, birth=birth, sex=sex,
        nationalities=nationalities, residence_status=residence_status, azr_number=azr_number,
        legal_basis=legal_basis, **optional_fields,
    )
    person.state = PersonState.announced.value
    db.session.add(person)
    db.session.flush()
    record_transition("person", person.id, "register", None, person.state, date.today(), by=by, actor=actor)
    record("create", "person", person.id, by=by, actor=actor, office=office, channel=channel)
    from caseapp.linkage.registration import check_new_person

    person.duplicate_warning = check_new_person(person, by=by, actor=actor,
                                                azr_holder=getattr(person, "azr_holder", None))
    return person


def _known_to_user(by, person_id: int) -> bool:
    """Whether the person is known to one of the acting user's offices (a job sees everything)."""
    if by is None:
        return True
    codes = list(getattr(by, "office_codes", ()) or ())
    return bool(codes) and db.session.scalar(select(PersonOffice.person_id).where(
        PersonOffice.person_id == person_id, PersonOffice.office_code.in_(codes)).limit(1)) is not None


# What a caseworker may change on a record; the state only ever changes through a transition.
EDITABLE_FIELDS = ("family_name", "given_names", "birth_date", "birth_precision", "sex", "residence_status",
                   "legal_basis", *TEXT_FIELDS, *DATE_FIELDS, "postcode", "district_number", "household_id")


def update_person(person: Person, *, by, channel="admin", actor: str | None = None, family_name, given_names,
                  birth, sex, nationalities, residence_status, azr_number=None, legal_basis=None,
                  **optional_fields) -> list[str]:
    """Change a person's data with the same checks as registration; returns the changed field names.

    The audit row names the changed fields, never their values. An empty AZR number keeps the known one
    (it is never erased by an edit).
    """
    # Optional fields the caller does not name keep their value.
    current = {**{f: getattr(person, f) for f in (*TEXT_FIELDS, *DATE_FIELDS, "postcode", "household_id")},
               "district": person.district_number}
    candidate, _ = build_person(
        by=None, office=None, family_name=family_name, given_names=given_names, birth=birth, sex=sex,
        nationalities=nationalities, residence_status=residence_status, azr_number=None,
        legal_basis=legal_basis, **{**current, **optional_fields},
    )
    changed = [f for f in EDITABLE_FIELDS if getattr(person, f) != getattr(candidate, f)]
    if "household_id" in changed:
        _household_id(by, candidate.household_id, keep=person.household_id)
    for field in changed:
        setattr(person, field, getattr(candidate, field))
    if azr_number and azr_number != person.azr_number:
        if not isinstance(azr_number, str) or fieldrules.azr_error(azr_number):
            raise InvalidInput("azr_number", "Die AZR-Nummer hat genau 12 Ziffern (0-9)")
        taken = db.session.scalar(
            select(Person.id).where(Person.azr_number == azr_number, Person.id != person.id)
        )
        if taken is not None:
            raise InvalidInput("azr_number", "Diese AZR-Nummer gehört bereits zu einer anderen Person")
        person.azr_number = azr_number
        changed.append("azr_number")
    codes = candidate.nationality_codes
    if codes != person.nationality_codes:
        # Rewrite positions in place: deleting and re-inserting the same (person, position) key in one
        # flush would collide.
        for entry, code in zip(person.nationalities, codes, strict=False):
            entry.code = code
        del person.nationalities[len(codes):]
        for position in range(len(person.nationalities), len(codes)):
            person.nationalities.append(PersonNationality(position=position, code=codes[position]))
        person.nationality = codes[0]
        changed.append("nationalities")
    if changed:
        from caseapp.sources.identity import record_corrections

        record_corrections(person, changed, by=by, actor=actor)
        db.session.flush()
        record("update", "person", person.id, by=by, actor=actor, channel=channel,
               detail="fields=" + ",".join(changed))
    return changed


def lock_person(person_id: int) -> Person:
    """The person's row, locked for the rest of the transaction and freshly read."""
    stmt = (select(Person).where(Person.id == person_id).with_for_update(of=Person)
            .execution_options(populate_existing=True))
    person = db.session.scalar(stmt)
    if person is None:
        raise LookupError(f"Person {person_id} gibt es nicht")
    return person


def _refuse_event(person: Person, event: str) -> None:
    possible = [EVENT_LABELS_DE[e] for e in allowed_events(person)]
    hint = f" (möglich: {', '.join(possible)})" if possible else ""
    raise TransitionRefused(
        f"„{EVENT_LABELS_DE[event]}“ ist im Zustand „{STATE_LABELS_DE[person.state]}“ nicht möglich{hint}"
    )


def run_transition(person: Person, event: str, *, by=None, actor: str | None = None, on: date | None = None,
                   reason: str | None = None, shelter_id=None, room_id=None, channel: str | None = None,
                   override_reason: str | None = None, with_household: bool = False) -> Person:
    """One lifecycle step with its side effects, all or nothing: stays opened or closed, history, audit.

    A room chosen by hand that breaks a protection rule (shelters/placement/rules.py) is refused naming
    the rule, unless a shelter manager gives `override_reason`; the override is in history and audit."""
    if by is None and not actor:
        raise ValueError("run_transition needs `by` (a user) or `actor` (a label)")
    if event not in PERSON_EVENTS:
        raise InvalidInput("event", f"Unbekanntes Ereignis „{event}“ (möglich: {', '.join(PERSON_EVENTS)})")
    if reason is not None and (not isinstance(reason, str) or len(reason) > 500):
        raise InvalidInput("reason", "Begründung als Text mit höchstens 500 Zeichen")
    override_reason = clean_text("override_reason", override_reason, 500, required=False)
    person = lock_person(person.id)
    if event not in allowed_events(person):
        _refuse_event(person, event)
    on = event_date("person", person.id, on)
    current = active_stay(person.id)
    if current is not None and on < current.start_date:
        raise TransitionRefused(f"Das Datum {german(on)} liegt vor dem Beginn der Belegung am "
                                f"{german(current.start_date)}")
    if event == "allocate" and current is not None:
        raise TransitionRefused("Die Person hat bereits eine laufende Belegung")
    room, overridden = None, []
    if event in ("allocate", "relocate"):
        target = target_room(person, event, on, shelter_id, room_id, current,
                             override=may_override(by, override_reason))
        room, overridden = target.room, target.overridden
        if not with_household:
            _refuse_split(person, room, explicit=shelter_id is not None or room_id is not None, reason=reason)
    if overridden:
        names = ", ".join(RULE_NAMES[c] for c in overridden)
        reason = f"{reason + ' – ' if reason else ''}Schutzregel übergangen ({names}): {override_reason}"
    before = person.state
    try:
        with db.session.begin_nested():
            machine_for(person).send(event, room=room, current_room=current.room if current else None)
            if current is not None and event in CLOSES_STAY:
                current.end_date = on
                db.session.flush()
            if room is not None:
                db.session.add(Stay(person_id=person.id, room_id=room.id, start_date=on))
            _set_move_dates(person, event, on)
            db.session.flush()
    except IntegrityError as exc:
        # The database's own guard (room capacity trigger, one active stay) caught what the lock did not.
        raise TransitionRefused(_integrity_message(exc, room)) from None
    record_transition("person", person.id, event, before, person.state, on, by=by, actor=actor, reason=reason)
    detail = f"from={before},to={person.state}" + (f",room={room.id}" if room is not None else "")
    if overridden:
        detail += f",override={'+'.join(overridden)},override_reason="
        detail += override_reason[:max(200 - len(detail), 0)]  # in full in the history row
    record(f"transition:{event}", "person", person.id, by=by, actor=actor, channel=channel, detail=detail)
    return person


def _refuse_split(person: Person, room: Room, *, explicit: bool, reason: str | None) -> None:
    """A move that takes one member away from the shelter where the rest of the household lives needs
    an explicit choice of shelter or room and a reason (households move together: people/households.py)."""
    if person.household_id is None:
        return
    others = set(db.session.scalars(
        select(Room.shelter_id).join(Stay, Stay.room_id == Room.id).join(Person, Person.id == Stay.person_id)
        .where(Person.household_id == person.household_id, Person.id != person.id, Stay.end_date.is_(None))))
    if others and room.shelter_id not in others and not (explicit and reason):
        raise TransitionRefused("Dieser Schritt trennt die Person von ihrem Haushalt, der in einer anderen "
                                "Unterkunft wohnt: dafür Unterkunft oder Zimmer ausdrücklich wählen und "
                                "einen Grund angeben, oder den ganzen Haushalt bewegen")


def _set_move_dates(person: Person, event: str, on: date) -> None:
    """Arrival and departure fill the city move-in / move-out dates when no source delivered them.

    A move-in date after the arrival was a plan (an announced person's expected day): the arrival
    replaces it, so that a departure afterwards is not dated before the move-in and left out."""
    arrived_earlier = person.move_in_date is None or on < person.move_in_date
    if event == "arrive" and arrived_earlier and (person.move_out_date is None or on <= person.move_out_date):
        person.move_in_date = on
    if (
        event == "depart"
        and person.move_out_date is None
        and (person.move_in_date is None or on >= person.move_in_date)
    ):
        person.move_out_date = on


def _integrity_message(exc: IntegrityError, room: Room | None) -> str:
    text = str(exc.orig)
    if "room_full" in text and room is not None:
        return f"Im Zimmer {room.name} ist kein Bett mehr frei"
    if "uq_stay_person_active" in text or "stay_no_overlap" in text:
        return "Die Person hat bereits eine Belegung in diesem Zeitraum"
    return "Der Schritt widerspricht dem Datenbestand und wurde nicht ausgeführt"
