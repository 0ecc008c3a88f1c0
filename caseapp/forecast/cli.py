"""`caseapp forecast evaluate [--as-of YYYY-MM-DD]`: run the forecast's backtest by horizon on the city's
history, store it (the page, API and reports print their ranges from it) and print the errors."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from caseapp.extensions import db


@click.group("forecast", help="Kinderprognose: Rückrechnung (Backtest) speichern.")
def forecast_group():
    pass


@forecast_group.command("evaluate", help="Rückrechnung je Prognosehorizont berechnen und speichern.")
@click.option("--as-of", "as_of", default=None, help="Datenstand (JJJJ-MM-TT), Standard: heute.")
@with_appcontext
def evaluate_command(as_of):
    from caseapp.forecast import evaluation

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise click.BadParameter("Datum im Format JJJJ-MM-TT erwartet", param_hint="--as-of") from None
    row = evaluation.store(day)
    db.session.commit()
    result = row.result
    click.echo(f"Rückrechnung zum {row.as_of:%d.%m.%Y} gespeichert (Modell {row.model_version}, "
               f"{row.seconds:.1f} s).")
    if not result["backtests"]:
        click.echo("Keine Rückrechnung möglich: die erfassten Zu- und Fortzüge reichen nicht weit genug "
                   "zurück.")
    for bt in result["backtests"]:
        head = f"  Schuljahr {bt['year']}, Horizont {bt['horizon']} Jahr(e), angepasst am {bt['fit_date']}: "
        click.echo(head + (f"WAPE {bt['wape'] * 100:.1f} %, Fehler der Stadtsumme "
                           f"{bt['total_error'] * 100:+.1f} %" if bt["wape"] is not None else "keine Kinder"))
    for h, cov in sorted(result["coverage"].items()):
        inside, tested = cov["city"]
        d_in, d_tested = cov["district"]
        click.echo(f"  Trefferquote der Spanne, Horizont {h}: Stadt {inside} von {tested}, "
                   f"Stadtteile {d_in} von {d_tested}")


commands = [forecast_group]
