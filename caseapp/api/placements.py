"""JSON API: ranked placements (Unterbringungsvorschläge) for a person or a household (interfaces.md)."""
from __future__ import annotations

from flask import jsonify, request
from flask_security import current_user

from caseapp.api import ApiError, api_bp
from caseapp.api.support import api_auth, require_roles
from caseapp.auth.roles import CASEWORKER, SHELTER_MANAGER
from caseapp.codelists import PersonState
from caseapp.extensions import db
from caseapp.fieldrules import digits
from caseapp.people.access import get_visible_household, get_visible_person
from caseapp.people.households import active_members
from caseapp.shelters.placement.ranking import suggestions


def _id(name: str) -> int | None:
    value = request.args.get(name)
    if value is None:
        return None
    if not digits(value) or len(value) > 9:
        raise ApiError(f"{name}: muss eine ganze Zahl sein", 400)
    return int(value)


@api_bp.get("/placements")
@api_auth
def placements():
    require_roles({CASEWORKER, SHELTER_MANAGER})
    user = current_user._get_current_object()
    person_id, household_id = _id("person_id"), _id("household_id")
    if (person_id is None) == (household_id is None):
        raise ApiError("Genau eines von person_id oder household_id angeben", 400)
    if person_id is not None:
        person = get_visible_person(db.session, user, person_id)
        if person is None:
            raise ApiError("Person nicht gefunden", 404)
        members = [person]
    else:
        household = get_visible_household(db.session, user, household_id)
        if household is None:
            raise ApiError("Haushalt nicht gefunden", 404)
        members = [m for m in active_members(household) if m.state != PersonState.housed]
    found = suggestions(members)
    return jsonify(suggestions=[{k: s[k] for k in ("shelter_id", "shelter_name", "room_ids", "score",
                                                   "reasons")}
                                for s in found])
