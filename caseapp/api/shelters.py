"""JSON API endpoints for shelters (see interfaces.md): create, open/close, read with capacity."""
from __future__ import annotations

from flask import jsonify
from flask_security import current_user

from caseapp.api import ApiError, api_bp
from caseapp.api.support import api_auth, json_body, json_body_with, require_roles, writes
from caseapp.auth.roles import ADMIN, CASEWORKER, MANAGE_SHELTERS, SHELTER_MANAGER
from caseapp.extensions import db
from caseapp.people.operations import parse_date
from caseapp.shelters import operations
from caseapp.shelters.models import Shelter
from caseapp.shelters.queries import capacity, rooms_capacity

READ_SHELTERS = frozenset({ADMIN, SHELTER_MANAGER, CASEWORKER})
CREATE_KEYS = {"name", "district", "rooms", *operations.SHELTER_FIELDS}


def _shelter_or_404(shelter_id: int) -> Shelter:
    shelter = db.session.get(Shelter, shelter_id)
    if shelter is None:
        raise ApiError(f"Unterkunft {shelter_id} nicht gefunden", 404)
    return shelter


def shelter_json(shelter: Shelter) -> dict:
    figures = capacity(shelter)
    per_room = rooms_capacity(shelter)
    return {
        "id": shelter.id,
        "name": shelter.name,
        "district": shelter.district_number,
        "state": shelter.state,
        "capacity": figures["capacity"],
        "beds": figures["beds"],
        "blocked": figures["blocked"],
        "occupied": figures["occupied"],
        "free": figures["free"],
        "fire_safety_max": shelter.fire_safety_max,
        "rooms": [
            {"id": r.id, "name": r.name, "accessible": r.accessible, "family": r.family,
             "women_only": r.women_only, "mixed": r.mixed, "features": operations.room_features(r),
             **per_room[r.id]}
            for r in shelter.rooms
        ],
    }


@api_bp.post("/shelters")
@api_auth
@writes
def create_shelter():
    require_roles(MANAGE_SHELTERS)
    body = json_body_with(CREATE_KEYS)
    fields = {k: body[k] for k in operations.SHELTER_FIELDS if k in body}
    shelter = operations.create_shelter(by=current_user._get_current_object(), name=body.get("name"),
                                        district=body.get("district"), rooms=body.get("rooms"),
                                        channel="api", **fields)
    return jsonify(id=shelter.id, state=shelter.state, capacity=capacity(shelter)["capacity"],
                   rooms=[{"id": r.id, "name": r.name} for r in shelter.rooms]), 201


@api_bp.post("/shelters/<int:shelter_id>/events")
@api_auth
@writes
def shelter_event(shelter_id: int):
    require_roles(MANAGE_SHELTERS)
    body = json_body()
    shelter = _shelter_or_404(shelter_id)
    event = body.get("event")
    if not isinstance(event, str):
        raise ApiError("event: Angabe fehlt („open“ oder „close“)", 400)
    operations.shelter_event(shelter, event, by=current_user._get_current_object(),
                             on=parse_date("date", body.get("date")), reason=body.get("reason"),
                             channel="api")
    return jsonify(id=shelter.id, state=shelter.state)


@api_bp.get("/shelters/<int:shelter_id>")
@api_auth
def get_shelter(shelter_id: int):
    require_roles(READ_SHELTERS)
    return jsonify(shelter_json(_shelter_or_404(shelter_id)))
