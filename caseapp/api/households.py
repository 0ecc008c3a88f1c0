"""JSON API endpoints for households (see interfaces.md): create, and lifecycle events for all members."""
from __future__ import annotations

from flask import jsonify
from flask_security import current_user
from sqlalchemy import select

from caseapp.api import ApiError, api_bp
from caseapp.api.support import api_auth, json_body_with, optional_int, require_roles, writes
from caseapp.auth.roles import CASEWORKER, SHELTER_MANAGER, WRITE_PERSONS, has_any
from caseapp.extensions import db
from caseapp.people import households, operations
from caseapp.people.access import get_visible_household, visible_persons
from caseapp.people.models import Person
from caseapp.shelters.queries import active_stay

EVENT_KEYS = {"event", "shelter_id", "room_id", "date", "reason", "override_reason"}
SHELTER_MANAGER_EVENTS = ("allocate", "relocate")


@api_bp.post("/households")
@api_auth
@writes
def create_household():
    require_roles(WRITE_PERSONS)
    body = json_body_with({"label", "office"})
    household = households.create_household(by=current_user._get_current_object(), label=body.get("label"),
                                            office=body.get("office"), channel="api")
    return jsonify(id=household.id), 201


@api_bp.post("/households/<int:household_id>/events")
@api_auth
@writes
def household_event(household_id: int):
    require_roles({CASEWORKER, SHELTER_MANAGER})
    user = current_user._get_current_object()
    body = json_body_with(EVENT_KEYS)
    event = body.get("event")
    if not isinstance(event, str) or event not in operations.PERSON_EVENTS:
        raise ApiError(f"event: unbekanntes Ereignis „{event}“ (möglich: "
                       f"{', '.join(operations.PERSON_EVENTS)})", 400)
    if not has_any(user, {CASEWORKER}) and event not in SHELTER_MANAGER_EVENTS:
        raise ApiError("Keine Berechtigung: nur Zuweisung und Verlegung sind der Unterkunftsverwaltung "
                       "erlaubt", 403)
    household = get_visible_household(db.session, user, household_id)
    if household is None:
        raise ApiError("Haushalt nicht gefunden", 404)
    members = households.household_event(
        household, event, by=user, on=operations.parse_date("date", body.get("date")),
        reason=body.get("reason"), shelter_id=optional_int(body, "shelter_id"),
        room_id=optional_int(body, "room_id"), override_reason=body.get("override_reason"), channel="api")
    # Only members this user may see are listed (the others moved too: households move together).
    seen = set(db.session.scalars(visible_persons(user, select_ids(members))))
    answer = []
    for member in members:
        if member.id in seen:
            stay = active_stay(member.id)
            answer.append({"id": member.id, "state": member.state, "room_id": stay.room_id if stay else None})
    return jsonify(members=answer)


def select_ids(members):
    return select(Person.id).where(Person.id.in_([m.id for m in members]))
