"""`caseapp users`: Flask-Security-Too's user commands, with `create` making an account that can log in.

interfaces.md promises that a user created by `caseapp users create EMAIL --password PW` can log in at
once; Flask-Security-Too creates an inactive account unless `--active` is given. The group keeps every
Flask-Security-Too command as it is and only turns that default round (`--inactive` for the old one;
`--active` is still accepted).
"""
from __future__ import annotations

import copy

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_security.cli import roles as security_roles
from flask_security.cli import users as security_users


def _users_group() -> click.Group:
    create = copy.copy(security_users.commands["create"])
    create.params = [
        click.Option(["-a", "--active/--inactive"], default=True,
                     help="Active (the default) can log in at once; inactive cannot until activated")
        if param.name == "active" else param
        for param in create.params
    ]
    create.help = (create.help or "").split("Note that")[0] + (
        "The new user is active and can log in at once (--inactive to create it switched off).")
    return click.Group(security_users.name, help=security_users.help,
                       commands={**security_users.commands, "create": create})


def _audited(command: click.Command, action: str) -> click.Command:
    """Flask-Security-Too's `roles add/remove` as they are, plus the audit row auditors read (who
    granted which role to whom): the shell may grant, but not unseen."""
    original = command.callback

    def callback(user, role):
        from caseapp.audit.operations import record
        from caseapp.extensions import db

        original(user=user, role=role)  # commits itself; raises UsageError when nothing changed
        account = current_app.extensions["security"].datastore.find_user(email=user)
        record(action, "user", getattr(account, "id", None), actor="cli", channel="cli",
               detail=f"role={role} to={user}"[:200])
        db.session.commit()

    audited = copy.copy(command)
    audited.callback = with_appcontext(callback)
    return audited


def _roles_group() -> click.Group:
    commands = dict(security_roles.commands)
    commands["add"] = _audited(commands["add"], "grant")
    commands["remove"] = _audited(commands["remove"], "revoke")
    return click.Group(security_roles.name, help=security_roles.help, commands=commands)


commands = [_users_group(), _roles_group()]
