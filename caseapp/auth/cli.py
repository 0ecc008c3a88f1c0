"""`caseapp users`: Flask-Security-Too's user commands, with `create` making an account that can log in.

interfaces.md promises that a user created by `caseapp users create EMAIL --password PW` can log in at
once; Flask-Security-Too creates an inactive account unless `--active` is given. The group keeps every
Flask-Security-Too command as it is and only turns that default round (`--inactive` for the old one;
`--active` is still accepted).
"""
from __future__ import annotations

import copy

import click
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


commands = [_users_group()]
