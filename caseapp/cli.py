"""The `caseapp` console script: a Flask CLI group bound to create_app, plus each area's commands."""
from __future__ import annotations

import importlib

from flask import Flask
from flask.cli import FlaskGroup

# Each module exposes `commands`, a list of click commands or groups.
COMMAND_MODULES = (
    "caseapp.auth.cli",
    "caseapp.offices.cli",
    "caseapp.demo.cli",
    "caseapp.sources.cli",
    "caseapp.audit.cli",
    "caseapp.privacy.cli",
    "caseapp.reports.cli",
    "caseapp.districts.cli",
    "caseapp.linkage.cli",
    "caseapp.forecast.cli",
)


def register_commands(app: Flask) -> None:
    for name in COMMAND_MODULES:
        for command in importlib.import_module(name).commands:
            app.cli.add_command(command)


def _create_app():
    from caseapp import create_app

    return create_app()


def main() -> None:
    cli = FlaskGroup(create_app=_create_app, help="caseapp: migration database of the city of Osnabrück.")
    cli.main(prog_name="caseapp")
