"""caseapp: the migration database of the city of Osnabrück. create_app() builds the Flask app."""
from __future__ import annotations

import importlib

from flask import Flask, redirect, url_for

from caseapp.config import load_config

# Every module that declares models is imported here, so metadata, Alembic and the app see all tables.
MODEL_MODULES = (
    "caseapp.districts.models",
    "caseapp.offices.models",
    "caseapp.auth.models",
    "caseapp.people.models",
    "caseapp.shelters.models",
    "caseapp.workflows.models",
    "caseapp.audit.models",
    "caseapp.sources.models",
    # The offices' adapters declare their own facts tables.
    "caseapp.sources.soz",
    "caseapp.sources.jug",
    "caseapp.sources.sch",
    "caseapp.sources.jc",
    "caseapp.reports.models",
    "caseapp.privacy.models",
    "caseapp.stats.models",
    "caseapp.linkage.models",
    "caseapp.casework.models",
    "caseapp.shelters.legacy.models",
    "caseapp.forecast.models",
)


def import_models() -> None:
    for name in MODEL_MODULES:
        importlib.import_module(name)


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(load_config(app.instance_path, overrides))
    _init_input_checks(app)
    import_models()
    _init_extensions(app)
    _init_security(app)
    _init_admin(app)
    _init_security_headers(app)
    _init_read_audit(app)
    _init_api(app)
    _init_tasks(app)
    _init_cli(app)
    return app


def _init_input_checks(app: Flask) -> None:
    from caseapp.inputcheck import init_input_checks

    init_input_checks(app)  # before any route: the bounded `int` converter must be in place


def _init_extensions(app: Flask) -> None:
    from caseapp.extensions import babel, db, migrate
    from caseapp.i18n import select_locale
    from caseapp.localtime import register_filters

    db.init_app(app)
    register_filters(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale)


def _init_security(app: Flask) -> None:
    from caseapp.auth.setup import init_security

    init_security(app)


def _init_admin(app: Flask) -> None:
    from caseapp.admin import init_admin

    init_admin(app)


def _init_security_headers(app: Flask) -> None:
    from caseapp.auth.headers import init_headers

    init_headers(app)  # after the admin, whose inline scripts get the CSP nonce


def _init_read_audit(app: Flask) -> None:
    from caseapp.audit.reads import init_read_audit

    init_read_audit(app)  # commits the audit row of a read after the page is rendered


def _init_api(app: Flask) -> None:
    from caseapp.api import api_bp
    from caseapp.errors import init_errors

    app.register_blueprint(api_bp)
    init_errors(app)
    # The address the city hands out: straight to the admin's start page (or the login before it).
    app.add_url_rule("/", "home", lambda: redirect(url_for("admin.index")))


def _init_tasks(app: Flask) -> None:
    from caseapp.tasks.celery_app import celery_init_app

    celery_init_app(app)


def _init_cli(app: Flask) -> None:
    from caseapp.cli import register_commands

    register_commands(app)


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "migrations"
