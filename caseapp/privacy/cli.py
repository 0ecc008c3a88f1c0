"""`caseapp retention run` and `caseapp privacy ...`: thin commands around the privacy operations."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from caseapp.audit.operations import record
from caseapp.extensions import db
from caseapp.localtime import local_today
from caseapp.people.models import Person
from caseapp.privacy import journal
from caseapp.privacy import record as processing_record
from caseapp.privacy.operations import FutureDateRefused, access_report_pdf, reapply_erasures, run_retention


def _as_of(value: str | None) -> date:
    if not value:
        return local_today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"„{value}“ ist kein Datum der Form JJJJ-MM-TT", param_hint="--as-of"
        ) from None


@click.group("retention", help="Aufbewahrungsfristen: abgelaufene Fälle anonymisieren.")
def retention_group():
    pass


@retention_group.command("run", help="Anonymisiert jeden Fall, dessen Aufbewahrungsfrist bis DATUM "
                                     "abgelaufen ist.")
@click.option("--as-of", "as_of", help="Stichtag JJJJ-MM-TT (Vorgabe: heute).")
@click.option("--json", "as_json", is_flag=True, help='Gibt {"anonymised": N} aus.')
@click.option("--allow-future", is_flag=True,
              help="Stichtag nach heute zulassen (nur für eine Übung auf einer Kopie: Anonymisierung ist "
                   "endgültig).")
@with_appcontext
def retention_run(as_of: str | None, as_json: bool, allow_future: bool):
    try:
        counts = run_retention(_as_of(as_of), actor="retention", channel="cli", allow_future=allow_future)
    except FutureDateRefused as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    if as_json:
        click.echo(json.dumps({"anonymised": counts["anonymised"]}))
    else:
        click.echo(f"Anonymisiert: {counts['anonymised']} Personen; gelöscht: {counts['raw_records']} "
                   f"abgelehnte Rohzeilen, {counts['delivery_files']} archivierte Lieferdateien.")


@click.group("privacy", help="Datenschutz: Auskunft, Löschjournal, Wiederherstellungsübung, Verzeichnis.")
def privacy_group():
    pass


@privacy_group.command("access-report", help="Auskunftsbericht nach Art. 15 DSGVO für eine Person als PDF.")
@click.argument("person_id", type=int)
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True), help="Zieldatei (PDF).")
@with_appcontext
def access_report(person_id: int, out: str):
    person = db.session.get(Person, person_id)
    if person is None:
        raise click.ClickException(f"Eine Person Nr. {person_id} gibt es nicht.")
    data = access_report_pdf(person, actor="cli", channel="cli")
    db.session.commit()
    Path(out).write_bytes(data)
    click.echo(f"{out}: Auskunftsbericht für Person Nr. {person_id} ({len(data)} Bytes).")


@privacy_group.command("reapply-erasures", help="Trägt die Löschungen des Löschjournals nach (nach einer "
                                                "Wiederherstellung).")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def reapply(as_json: bool):
    try:
        entries = journal.read()
    except journal.JournalError as exc:
        raise click.ClickException(str(exc)) from None
    result = reapply_erasures(entries, actor="restore", channel="cli")
    db.session.commit()
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(f"Löschjournal: {result['entries']} Einträge; nachgetragen {result['anonymised']}, "
                   f"bereits anonymisiert {result['already']}, nicht vorhanden {result['absent']}.")
    if result["mismatched"]:
        click.echo("Nicht angewandt (Person passt nicht zum Journal): "
                   + ", ".join(map(str, result["mismatched"])), err=True)
        sys.exit(1)


@privacy_group.command("restore-drill", help="Stellt eine Sicherung in einer Übungsdatenbank wieder her und "
                                             "prüft sie.")
@click.option("--dump", "dump", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Sicherung von pg_dump (-Fc oder SQL).")
@click.option("--keep", is_flag=True, help="Übungsdatenbank danach nicht löschen.")
@click.option("--upgrade", "upgrade_schema", is_flag=True, help="Ältere Sicherung vor den Prüfungen "
                                                                "migrieren.")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def restore_drill(dump: str, keep: bool, upgrade_schema: bool, as_json: bool):
    from caseapp.privacy.restore import DrillError, run_drill

    try:
        result = run_drill(Path(dump), keep=keep, upgrade_schema=upgrade_schema)
    except (DrillError, journal.JournalError) as exc:
        raise click.ClickException(str(exc)) from None
    record("restore_drill", "backup", None, actor="cli", channel="cli",
           detail=f"ok={result.ok},erasures={result.erasures.get('anonymised', 0)}")
    db.session.commit()
    if as_json:
        click.echo(json.dumps(result.as_dict()))
    else:
        e = result.erasures
        click.echo(f"Übungsdatenbank {result.database}: Schema {result.schema_version} (neuester Stand "
                   f"{result.schema_head}); Protokoll {result.audit_checked} Einträge geprüft; Löschungen "
                   f"nachgetragen {e.get('anonymised', 0)}, bereits enthalten {e.get('already', 0)}.")
        for problem in result.problems:
            click.echo(f"FEHLER: {problem}", err=True)
    sys.exit(0 if result.ok else 1)


@privacy_group.command("record-check", help="Prüft, ob das Verzeichnis der Verarbeitungstätigkeiten jede "
                                            "Spalte nennt.")
@click.option("--add-missing", is_flag=True, help="Fehlende Spalten als „ZU PRÜFEN“ eintragen (danach von "
                                                  "Hand prüfen).")
@with_appcontext
def record_check(add_missing: bool):
    record = processing_record.load()
    missing = processing_record.missing_entries(db.metadata, record)
    for table, column in missing:
        click.echo(f"fehlt im Verzeichnis: {table}.{column}", err=True)
    for table, column in processing_record.stale_entries(db.metadata, record):
        click.echo(f"im Verzeichnis, aber nicht mehr in der Datenbank: {table}.{column}", err=True)
    if missing and add_missing:
        processing_record.add_missing(db.metadata, record)
        processing_record.RECORD_PATH.write_text(processing_record.dumps(record), encoding="utf-8")
        click.echo(f"{len(missing)} Einträge als „ZU PRÜFEN“ ergänzt: {processing_record.RECORD_PATH}")
    if missing:
        sys.exit(1)
    click.echo("Verzeichnis der Verarbeitungstätigkeiten vollständig.")


commands = [retention_group, privacy_group]
