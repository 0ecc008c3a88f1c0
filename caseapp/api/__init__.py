"""The JSON API under /api/v1: thin views that validate, call an operation and serialise."""
from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.exceptions import HTTPException

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")


@api_bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    """{"error": message} with the status; also for routing errors under /api/ (caseapp/errors.py)."""
    message = getattr(exc, "description", None) or exc.name
    return jsonify(error=message), exc.code


class ApiError(Exception):
    """Raised by API views; answered as {"error": message} with the status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


@api_bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return jsonify(error=exc.message), exc.status


# Endpoint modules register their routes on api_bp when imported.
from caseapp.api import households, people, placements, shelters, stats  # noqa: F401
