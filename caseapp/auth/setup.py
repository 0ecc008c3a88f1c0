"""Binds Flask-Security-Too to the app: datastore, JSON-friendly errors for the API."""
from __future__ import annotations

from flask import Flask, jsonify, request
from flask_security import SQLAlchemyUserDatastore
from flask_security.decorators import default_unauthn_handler, default_unauthz_handler

from caseapp.auth.models import Role, User
from caseapp.extensions import csrf, db, security

user_datastore = SQLAlchemyUserDatastore(db, User, Role)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json


def _unauthn(mechanisms=None, headers=None):
    if _wants_json():
        return jsonify(error="Anmeldung erforderlich"), 401
    return default_unauthn_handler(mechanisms, headers)


def _unauthz(func_name=None, params=None):
    if _wants_json():
        return jsonify(error="Keine Berechtigung"), 403
    return default_unauthz_handler(func_name, params)


def init_security(app: Flask) -> None:
    csrf.init_app(app)
    security.init_app(app, user_datastore)
    security.unauthn_handler(_unauthn)
    security.unauthz_handler(_unauthz)
