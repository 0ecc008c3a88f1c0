"""`caseapp report committee COMMITTEE --period PERIOD --out FILE.pdf`: one report, synchronously."""
from __future__ import annotations

import shutil

import click
from flask.cli import with_appcontext

from caseapp.codelists import ReportStatus
from caseapp.reports.committees import COMMITTEES, UnknownCommittee
from caseapp.reports.periods import PeriodError


@click.group("report", help="Ausschussberichte als PDF.")
def report_group():
    pass


@report_group.command(
    "committee", help="Einen Ausschussbericht erstellen, archivieren und als PDF schreiben."
)
@click.argument("committee", type=click.Choice(sorted(COMMITTEES), case_sensitive=False))
@click.option("--period", required=True, help="Quartal wie 2026-Q3 oder Monat wie 2026-09.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Zieldatei (PDF).")
@with_appcontext
def committee_command(committee: str, period: str, out: str):
    from caseapp.extensions import db
    from caseapp.reports.operations import ReportQuotaExceeded, request_report
    from caseapp.tasks.reports import run_job

    try:
        job = request_report(committee, period, actor="cli", channel="cli")
    except (UnknownCommittee, PeriodError, ReportQuotaExceeded) as exc:
        raise click.BadParameter(str(exc), param_hint="--period" if isinstance(exc, PeriodError) else None)
    db.session.commit()
    job = run_job(job.id)
    if job.status != ReportStatus.done:
        raise click.ClickException(f"Bericht fehlgeschlagen: {job.error}")
    shutil.copyfile(job.file_path, out)
    click.echo(f"{out}: {job.pages} Seiten, Datenstand {job.data_date:%d.%m.%Y}, SHA-256 {job.checksum}")


commands = [report_group]
