"""Helpers for API tests: token-authenticated calls with a request state as fresh as in production."""
from __future__ import annotations

from flask import g


def fresh_g() -> None:
    """Forget what earlier requests left in `g`.

    The db fixture keeps one app context pushed for the whole test, and Flask reuses it for every
    test-client request, so Flask-Login's cached user (and Flask-Security's request attributes)
    would leak from one client's request into the next. In production each request has its own.
    """
    g.__dict__.clear()


def call(c, method: str, path: str, json=None):
    """One API request by client `c` authenticated only by its token header.

    What the test set up is committed first (a savepoint release under the db fixture), as it would
    be in production; a refused request then rolls back only its own work.
    """
    from caseapp.extensions import db

    db.session.commit()
    fresh_g()
    return c.open(path, method=method, json=json, headers={"Authentication-Token": c.auth_token})
