"""Error answers outside the views: JSON `{"error": ...}` under /api/, a page in the UI language elsewhere.

Werkzeug's own pages are English ("Forbidden", "Not Found"); a caseworker who follows an old link or
lacks a role gets a page (German by default) saying what happened and where to go on. The JSON form of the API
(interfaces.md) also covers paths and methods the API does not have, which never reach its blueprint.
"""
from __future__ import annotations

import logging
import re
import traceback

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import StatementError
from werkzeug.exceptions import HTTPException

PAGES = {
    400: (_l("Bad request"), _l("The request was incomplete or faulty.")),
    401: (_l("Login required"), _l("Please log in.")),
    403: (_l("No permission"), _l("This page is not open to your role or your office.")),
    404: (_l("Page not found"), _l("This page or this entry does not exist (any more).")),
    405: (_l("Action not possible"), _l("This page does not accept this kind of request.")),
    413: (_l("File too large"), _l("The file sent is too large.")),
    429: (_l("Too many requests"), _l("Please wait a moment and then try again.")),
    500: (_l("Internal error"), _l("That did not work; nothing was saved halfway. Please try again later "
                                   "and, if it persists, tell the operations team.")),
}
CSRF_TEXT = _l("The form has expired or is incomplete (a security token is missing). Please reload the page "
               "and send it again.")


def init_errors(app: Flask) -> None:
    from caseapp.api import http_error as api_error

    install_log_redaction(app)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if request.path == "/api" or request.path.startswith("/api/"):
            return api_error(exc)
        if exc.code is None or exc.code < 400:
            return exc
        title, text = PAGES.get(exc.code, (exc.name, exc.description or ""))
        if isinstance(exc, CSRFError):
            text = CSRF_TEXT
        return render_template("errors/http.html", code=exc.code, title=title, text=text), exc.code


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\([^()]*\)=\([^()]*\)")


def redacted_database_error(exc) -> str:
    """A database error as the log may keep it: its type, the statement, and the server's first line with
    every quoted value and `(column)=(value)` replaced, so no name or AZR number reaches the log."""
    orig = getattr(exc, "orig", None)
    first = str(orig).splitlines()[0] if orig is not None and str(orig) else ""
    statement = getattr(exc, "statement", None) or ""
    return (f"{type(exc).__name__} ({type(orig).__name__ if orig else ''}): {_QUOTED.sub('…', first)} "
            f"[SQL: {statement[:500]}]")


class HideDatabaseValues(logging.Filter):
    """Replaces the text of a logged database error (PostgreSQL repeats the offending value in it, e.g.
    'invalid input syntax for type integer: "Haddad"' or 'Key (azr_number)=(...) already exists')."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, StatementError):
            tb = "".join(traceback.format_tb(exc.__traceback__))
            record.exc_text = f"Traceback (most recent call last):\n{tb}{redacted_database_error(exc)}"
            record.exc_info = None
        return True


def install_log_redaction(app: Flask) -> None:
    """On the app's logger, Celery's task logger and the handlers present at start (gunicorn's)."""
    redaction = HideDatabaseValues()
    for logger in (app.logger, logging.getLogger("celery.app.trace"), logging.getLogger("caseapp")):
        logger.addFilter(redaction)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redaction)
