"""JSON API endpoints for persons (see interfaces.md): register, read (audited), lifecycle events."""
from __future__ import annotations

from flask import jsonify, url_for
from flask_security import current_user
from sqlalchemy import select

from caseapp.api import ApiError, api_bp
from caseapp.api.support import api_auth, json_body_with, optional_int, require_roles, writes
from caseapp.audit.operations import record
from caseapp.audit.reads import refused_read
from caseapp.auth.roles import CASEWORKER, READ_PERSONS, SHELTER_MANAGER, WRITE_PERSONS, has_any
from caseapp.extensions import db
from caseapp.linkage.queries import merged_into_visible
from caseapp.people import operations
from caseapp.people.access import field_allowed, get_visible_person, visible_persons
from caseapp.people.models import Person
from caseapp.shelters.queries import active_stay

CREATE_KEYS = {"family_name", "given_names", "birth_date", "sex", "nationalities", "residence_status",
               "azr_number", "office", "legal_basis", *operations.OPTIONAL_FIELDS}
EVENT_KEYS = {"event", "shelter_id", "room_id", "date", "reason", "override_reason"}
# A shelter manager moves persons between beds; every other step belongs to the caseworker.
SHELTER_MANAGER_EVENTS = ("allocate", "relocate")


def _user():
    return current_user._get_current_object()


def _iso(value):
    return value.isoformat() if value else None


def stay_json(person: Person) -> dict | None:
    stay = active_stay(person.id)
    if stay is None:
        return None
    room = stay.room
    return {"id": stay.id, "shelter_id": room.shelter_id, "shelter_name": room.shelter.name,
            "room_id": room.id, "room_name": room.name, "start_date": stay.start_date.isoformat()}


def person_json(person: Person, user) -> dict:
    """The fields this user may read (see people/access.py), the state and the current stay."""
    data = {
        "id": person.id,
        "state": person.state,
        "family_name": person.family_name,
        "given_names": person.given_names,
        "birth_date": person.birth.iso,
        "birth_precision": person.birth_precision,
        "sex": person.sex,
        "household_id": person.household_id,
        "needs": person.needs,
        "nationalities": person.nationality_codes,
        "residence_status": person.residence_status,
        "legal_basis": person.legal_basis,
        "azr_number": person.azr_number,
        "entry_date": _iso(person.entry_date),
        "move_in_date": _iso(person.move_in_date),
        "move_out_date": _iso(person.move_out_date),
        "street": person.street,
        "house_number": person.house_number,
        "postcode": person.postcode,
        "city": person.city,
        "district": person.district_number,
        "offices": sorted(o.office_code for o in person.offices),
    }
    shown = {k: v for k, v in data.items() if field_allowed(user, person, k)}
    shown["stay"] = stay_json(person)
    return shown


def _known_to_my_offices(person: Person, user) -> bool:
    codes = user.office_codes
    return any(o.office_code in codes for o in person.offices)


@api_bp.post("/persons")
@api_auth
@writes
def create_person():
    require_roles(WRITE_PERSONS)
    body = json_body_with(CREATE_KEYS)
    fields = dict(body)
    birth = fields.pop("birth_date", None)
    if birth is None:
        raise ApiError("birth_date: Angabe fehlt (JJJJ-MM-TT, 00 für Unbekanntes)", 400)
    required = ("family_name", "given_names", "sex", "nationalities", "residence_status")
    args = {k: fields.pop(k, None) for k in required}
    person = operations.register_person(by=_user(), birth=birth, channel="api", **args, **fields)
    warning = getattr(person, "duplicate_warning", None)
    if warning:
        return jsonify(id=person.id, state=person.state, warning=warning), 201
    return jsonify(id=person.id, state=person.state), 201


@api_bp.get("/persons/<int:person_id>")
@api_auth
@writes
def get_person(person_id: int):
    require_roles(READ_PERSONS)
    user = _user()
    person = get_visible_person(db.session, user, person_id)
    if person is None:
        survivor = merged_into_visible(person_id, visible_persons(user, select(Person.id)))
        if survivor is not None:  # a merged id answers with a pointer to the person it became part of
            response = jsonify(merged_into=survivor)
            response.status_code = 301
            response.headers["Location"] = url_for("api.get_person", person_id=survivor)
            return response
        refused_read("person", person_id, by=user, channel="api")
        db.session.commit()  # the refusal is recorded although the answer is an error
        raise ApiError("Person nicht gefunden", 404)
    data = person_json(person, user)
    record("read", "person", person.id, by=user, channel="api",
           detail="fields=all" if "nationalities" in data else "fields=allocation")
    return jsonify(data)


@api_bp.post("/persons/<int:person_id>/events")
@api_auth
@writes
def person_event(person_id: int):
    user = _user()
    require_roles({CASEWORKER, SHELTER_MANAGER})
    body = json_body_with(EVENT_KEYS)
    event = body.get("event")
    if not isinstance(event, str) or event not in operations.PERSON_EVENTS:
        raise ApiError(f"event: unbekanntes Ereignis „{event}“ (möglich: "
                       f"{', '.join(operations.PERSON_EVENTS)})", 400)
    as_caseworker = has_any(user, {CASEWORKER})
    if not as_caseworker and event not in SHELTER_MANAGER_EVENTS:
        raise ApiError("Keine Berechtigung: nur Zuweisung und Verlegung sind der Unterkunftsverwaltung "
                       "erlaubt", 403)
    person = get_visible_person(db.session, user, person_id)
    if person is not None and not (has_any(user, {SHELTER_MANAGER}) and event in SHELTER_MANAGER_EVENTS):
        # Every other step needs a caseworker of an office that knows the person.
        person = person if _known_to_my_offices(person, user) else None
    if person is None:
        raise ApiError("Person nicht gefunden", 404)
    operations.run_transition(
        person, event, by=user, on=operations.parse_date("date", body.get("date")), reason=body.get("reason"),
        shelter_id=optional_int(body, "shelter_id"), room_id=optional_int(body, "room_id"), channel="api",
        override_reason=body.get("override_reason"),
    )
    # Commit first: the shelter lock is held until then, and the answer needs none of it.
    db.session.commit()
    return jsonify(id=person.id, state=person.state, stay=stay_json(person))
