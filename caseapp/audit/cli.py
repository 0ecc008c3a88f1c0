"""`caseapp audit verify`: checks the hash chain; exit 0 when intact, 1 naming the first broken row."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from caseapp.audit.verify import verify_chain
from caseapp.extensions import db


@click.group("audit", help="Protokoll (Audit-Trail).")
def audit_group():
    pass


@audit_group.command("verify", help="Prüft die Hash-Kette des Protokolls.")
@with_appcontext
def verify():
    report = verify_chain(db.session)
    if report.intact:
        click.echo(f"Protokoll intakt: {report.checked} Einträge geprüft.")
        return
    click.echo(
        f"Protokoll beschädigt ab Eintrag {report.broken_id}: {report.reason} "
        f"({report.checked} Einträge davor sind intakt).",
        err=True,
    )
    sys.exit(1)


commands = [audit_group]
