"""What the lifecycle endpoints share: role checks, JSON bodies, operation errors as HTTP answers."""
from __future__ import annotations

from functools import wraps

from flask import request
from flask_security import auth_required, current_user

from caseapp.api import ApiError
from caseapp.auth.roles import has_any
from caseapp.extensions import db
from caseapp.inputcheck import CONTROL_MESSAGE, control_character_field
from caseapp.workflows.errors import InvalidInput, TransitionRefused

# Scripts send the Authentication-Token header (never CSRF-checked); a browser session may call the
# API too, and Flask-Security-Too then checks its CSRF token (SECURITY_CSRF_PROTECT_MECHANISMS).
api_auth = auth_required("token", "session")


def require_roles(roles) -> None:
    """403 unless the user has one of the roles."""
    if not has_any(current_user, roles):
        raise ApiError("Keine Berechtigung für diese Aktion", 403)


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError("Der Inhalt muss ein JSON-Objekt sein", 400)
    bad = control_character_field(body)
    if bad:
        raise ApiError(f"{bad}: {CONTROL_MESSAGE}", 400)
    return body


def json_body_with(allowed) -> dict:
    """The JSON object of the request, refusing any key outside `allowed` with a 400 naming it."""
    body = json_body()
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise ApiError(f"{unknown[0]}: unbekannte Angabe", 400)
    return body


def optional_int(body: dict, field: str) -> int | None:
    value = body.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(f"{field}: muss eine ganze Zahl sein", 400)
    return value


def writes(view):
    """Runs a writing view as one transaction: commit on success, roll back and answer on refusal."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        try:
            result = view(*args, **kwargs)
        except InvalidInput as exc:
            db.session.rollback()
            raise ApiError(str(exc), 400) from None
        except TransitionRefused as exc:
            db.session.rollback()
            raise ApiError(str(exc), 409) from None
        except ApiError:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return wrapper
