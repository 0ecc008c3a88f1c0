"""`caseapp offices assign EMAIL OFFICE`."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from caseapp.extensions import db, security
from caseapp.offices import operations


@click.group("offices", help="Ämter und ihre Mitglieder.")
def offices_group():
    pass


@offices_group.command("assign", help="Makes the user a member of an office.")
@click.argument("email")
@click.argument("office")
@with_appcontext
def assign(email: str, office: str):
    user = security.datastore.find_user(email=email)
    if user is None:
        raise click.ClickException(f"No user with e-mail {email}")
    from caseapp.auth.operations import record_grants

    before = set(user.office_codes)
    try:
        operations.assign(user, office)
    except operations.OfficeError as exc:
        raise click.ClickException(str(exc)) from None
    # An operator with shell access may grant (docs/security.md), but never unseen by the auditors.
    record_grants(user, {r.name for r in user.roles}, before, actor="cli", channel="cli")
    db.session.commit()
    click.echo(f"{email} is now a member of {office}")


commands = [offices_group]
