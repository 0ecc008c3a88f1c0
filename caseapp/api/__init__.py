"""The JSON API under /api/v1: thin views that validate, call an operation and serialise."""
from __future__ import annotations

from flask import Blueprint, Flask, jsonify, request
from werkzeug.exceptions import HTTPException

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")


@api_bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    message = getattr(exc, "description", None) or exc.name
    return jsonify(error=message), exc.code


def init_api(app: Flask) -> None:
    """Register the blueprint, and answer routing errors under /api/ in JSON too.

    A path no API route matches (404, e.g. /api/v1/persons/abc) or a method a route does not take
    (405) never reaches the blueprint, so its handler above does not see it; the app-wide handler
    answers those in the API's error form and leaves every other page's errors as they are.
    """
    app.register_blueprint(api_bp)

    @app.errorhandler(HTTPException)
    def _routing_error(exc: HTTPException):
        if request.path == "/api" or request.path.startswith("/api/"):
            return _http_error(exc)
        return exc


class ApiError(Exception):
    """Raised by API views; answered as {"error": message} with the status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


@api_bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return jsonify(error=exc.message), exc.status


# Endpoint modules register their routes on api_bp when imported.
from caseapp.api import persons, shelters, stats  # noqa: F401
