"""`caseapp sync import SOURCE FILE` and `caseapp sync scan`: thin drivers of the sources operations."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from caseapp.codelists import SyncRunStatus
from caseapp.extensions import db


@click.group("sync", help="Lieferungen der Datenquellen einlesen.")
def sync_group() -> None:
    pass


def _parse_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' ist kein Datum der Form JJJJ-MM-TT") from None


@sync_group.command("import", help="Eine Lieferung synchron einlesen (Exit 0: verarbeitet, 2: Datei "
                                   "abgewiesen).")
@click.argument("source")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as-of", "as_of", callback=_parse_date, help="Stichtag JJJJ-MM-TT (sonst aus dem Dateinamen)")
@click.option("--json", "as_json", is_flag=True, help="Zusammenfassung als ein JSON-Objekt auf stdout")
@click.option("--confirm-missing", is_flag=True,
              help="Auch einlesen, wenn die Lieferung viele Personen als fehlend markiert "
                   "(sonst angehalten, Exit 3)")
@with_appcontext
def import_command(source: str, file: Path, as_of: date | None, as_json: bool, confirm_missing: bool) -> None:
    from flask import current_app

    from caseapp.sources.inbox import NotADelivery, read_delivery
    from caseapp.sources.operations import (
        FileRejected,
        prepare,
        progress_writer,
        rejected_summary,
        start_run,
    )
    from caseapp.sources.runner import run_and_commit

    try:
        data = read_delivery(file, int(current_app.config.get("CASEAPP_SYNC_MAX_BYTES") or 100_000_000))
    except NotADelivery as exc:
        data, error = None, str(exc)
    except OSError as exc:
        data, error = None, f"Die Datei {file} kann nicht gelesen werden: {exc.strerror}"
    if data is not None:
        try:
            prepared = prepare(source, data, file_name=file.name, as_of=as_of)
            error = None
        except FileRejected as exc:
            error = str(exc)
    if error is not None:
        summary = rejected_summary(source, as_of, file.name, error)
        _print(summary, as_json)
        sys.exit(2)
    run = start_run(prepared, channel="cli")
    db.session.commit()
    summary = run_and_commit(prepared, run, progress=progress_writer(run.id),
                             failure="Fehler bei der Verarbeitung: {error}", confirm_missing=confirm_missing)
    _print(summary, as_json)
    if summary.status == SyncRunStatus.held:
        click.echo(summary.message, err=True)
        sys.exit(3)


def _print(summary, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(summary.as_json(), ensure_ascii=False))
        return
    if summary.status == SyncRunStatus.rejected:
        click.echo(f"Datei abgewiesen, nichts geändert: {summary.message}", err=True)
        return
    s = summary
    click.echo(f"{s.source} zum {s.as_of:%d.%m.%Y}: {s.records} Datensätze, {s.created} neu, {s.updated} "
               f"geändert, {s.unchanged} unverändert, {s.rejected} abgewiesen, {s.missing} fehlen in der "
               "Lieferung")
    for e in s.errors:
        click.echo(f"  Zeile {e['line']}, Spalte {e['column'] or '-'}: {e['message']}")


@sync_group.command(
    "scan", help="Den Posteingang (CASEAPP_INBOX) einmal abarbeiten, wie es der Zeitplan tut."
)
@with_appcontext
def scan_command() -> None:
    from caseapp.tasks.sources import run_inbox

    for line in run_inbox(channel="cli"):
        click.echo(line)


commands = [sync_group]
