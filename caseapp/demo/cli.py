"""`caseapp demo [--persons N] [--seed S] [--today YYYY-MM-DD]`: a synthetic city in an empty database."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from caseapp.workflows.states import STATE_LABELS_DE

# Above this size the demo leaves the other offices' deliveries out unless asked: each delivery's linkage
# reads every known person (200,000 persons: about a minute per delivery on a quiet 2-core machine).
OFFICE_DELIVERIES_UP_TO = 100_000


@click.command("demo", help="Füllt eine leere Datenbank mit einer synthetischen, plausiblen Demo-Stadt "
                            "(deterministisch für einen Seed).")
@click.option("--persons", default=45_000, show_default=True, type=click.IntRange(50, 2_000_000),
              help="Anzahl der Personen.")
@click.option("--seed", default=1, show_default=True, type=int, help="Startwert des Zufallsgenerators.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Stichtag, bis zu dem die Geschichte reicht (Standard: heute).")
@click.option("--no-accounts", is_flag=True, help="Keine Demo-Benutzerkonten anlegen.")
@click.option("--abh-file", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Zusätzlich die Lieferung der Ausländerbehörde (CSV) dieser Stadt in diese Datei "
                   "schreiben.")
@click.option("--office-deliveries/--no-office-deliveries", default=None,
              help="Lieferungen von Sozialamt, Jugendamt und Schulamt einspielen und verknüpfen "
                   "(Standard: bis 100.000 Personen ja, darüber nein).")
@with_appcontext
def demo_command(persons: int, seed: int, today, no_accounts: bool, abh_file: str | None,
                 office_deliveries: bool | None):
    from caseapp.demo.operations import DEMO_PASSWORD, NotEmpty, create_demo_city
    from caseapp.extensions import db

    day = today.date() if today else date.today()
    try:
        deliveries = persons <= OFFICE_DELIVERIES_UP_TO if office_deliveries is None else office_deliveries
        summary = create_demo_city(persons=persons, seed=seed, today=day, accounts=not no_accounts,
                                   abh_file=abh_file, office_deliveries=deliveries)
    except NotEmpty as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    c = summary.counts
    click.echo(f"Demo-Stadt angelegt (Seed {seed}, Stichtag {day:%d.%m.%Y}): {c['person']} Personen, "
               f"{c['household']} Haushalte, {c['shelter']} Unterkünfte mit {c['room']} Zimmern, "
               f"{c['stay']} Belegungen, {c['transition']} Übergänge.")
    states = ", ".join(f"{STATE_LABELS_DE.get(s, s)}: {n}" for s, n in sorted(summary.states.items()))
    click.echo(f"Personen nach Status: {states}")
    click.echo(f"Dauer: {summary.seconds_build:.1f} s Erzeugen, {summary.seconds_write:.1f} s Schreiben.")
    for code, d in summary.deliveries.items():
        click.echo(f"Lieferung {code}: {d.records} Datensätze, {d.linked} mit bekannten Personen verknüpft, "
                   f"{d.queued} zur Prüfung (Datenpflege), {d.new_persons} neue Personen, {d.rejected} "
                   "abgewiesen.")
    if summary.deliveries:
        click.echo(f"Dauer der Lieferungen mit Verknüpfung: {summary.seconds_deliveries:.1f} s.")
    elif office_deliveries is None:
        limit = f"{OFFICE_DELIVERIES_UP_TO:,}".replace(",", ".")
        click.echo(f"Lieferungen der anderen Ämter übersprungen (mehr als {limit} Personen: jede Verknüpfung "
                   "liest alle bekannten Personen); mit --office-deliveries erzwingen.")
    if persons <= OFFICE_DELIVERIES_UP_TO:
        from caseapp.forecast import evaluation

        stored = evaluation.store(day)
        db.session.commit()
        click.echo(f"Rückrechnung der Kinderprognose gespeichert ({stored.seconds:.1f} s; nächtlich neu).")
    else:
        click.echo("Rückrechnung der Kinderprognose nicht berechnet (große Stadt): "
                   "`caseapp forecast evaluate` oder nächtlich.")
    if summary.abh_file:
        click.echo(f"Lieferung der Ausländerbehörde geschrieben: {summary.abh_file} "
                   f"({c['source_record']} Datensätze; Import mit `caseapp sync import abh`).")
    if summary.accounts:
        click.echo("\nDemo-Zugänge (alle mit demselben Passwort):")
        for email, roles, purpose in summary.accounts:
            click.echo(f"  {email:<44} {roles:<30} {purpose}")
        click.echo(f"\nPasswort: {DEMO_PASSWORD}")


commands = [demo_command]
