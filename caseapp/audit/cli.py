"""`caseapp audit verify`: checks the hash chain and its anchors; exit 0 when intact, 1 naming the first
broken row. `caseapp audit anchor` only appends an anchor (for cron, where no worker runs beat)."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from caseapp.audit.anchors import AnchorRefused, anchor_path, verify_and_anchor, write_anchor
from caseapp.extensions import db


@click.group("audit", help="Protokoll (Audit-Trail).")
def audit_group():
    pass


@audit_group.command("verify", help="Prüft die Hash-Kette des Protokolls und die Anker außerhalb der "
                                    "Datenbank.")
@with_appcontext
def verify():
    report, anchor = verify_and_anchor(db.session)
    if report.intact:
        where = f"; Anker bei Eintrag {anchor.last_id} geschrieben nach {anchor_path()}" if anchor else ""
        click.echo(f"Protokoll intakt: {report.checked} Einträge geprüft{where}.")
        return
    click.echo(
        f"Protokoll beschädigt ab Eintrag {report.broken_id}: {report.reason} "
        f"({report.checked} Einträge davor sind intakt).",
        err=True,
    )
    sys.exit(1)


@audit_group.command("anchor", help="Schreibt einen Anker (neuester Eintrag und Hash) außerhalb der "
                                    "Datenbank.")
@with_appcontext
def anchor():
    try:
        written = write_anchor(db.session)
    except AnchorRefused as exc:
        click.echo(
            f"Kein Anker geschrieben: das Protokoll setzt den letzten Anker nicht fort ({exc}).", err=True
        )
        sys.exit(1)
    click.echo(f"Anker bei Eintrag {written.last_id} geschrieben nach {anchor_path()}." if written
               else "Das Protokoll ist leer; kein Anker geschrieben.")


commands = [audit_group]
