"""Error answers outside the views: JSON `{"error": ...}` under /api/, a German page everywhere else.

Werkzeug's own pages are English ("Forbidden", "Not Found"); a caseworker who follows an old link or
lacks a role gets a German page saying what happened and where to go on. The JSON form of the API
(interfaces.md) also covers paths and methods the API does not have, which never reach its blueprint.
"""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

PAGES = {
    400: ("Ungültige Anfrage", "Die Anfrage war unvollständig oder fehlerhaft."),
    401: ("Anmeldung erforderlich", "Bitte melden Sie sich an."),
    403: ("Keine Berechtigung", "Diese Seite ist für Ihre Rolle oder Ihr Amt nicht freigegeben."),
    404: ("Seite nicht gefunden", "Diese Seite oder dieser Eintrag existiert nicht (mehr)."),
    405: ("Aktion nicht möglich", "Diese Seite nimmt diese Art von Anfrage nicht an."),
    413: ("Datei zu groß", "Die gesendete Datei ist zu groß."),
    429: ("Zu viele Anfragen", "Bitte warten Sie einen Moment und versuchen Sie es dann erneut."),
    500: ("Interner Fehler", "Das hat nicht geklappt; es wurde nichts halb gespeichert. Bitte später erneut "
                             "versuchen und, wenn es bleibt, den Betrieb informieren."),
}
CSRF_TEXT = ("Das Formular ist abgelaufen oder unvollständig (Sicherheitsmerkmal fehlt). Bitte die Seite neu "
             "laden und erneut absenden.")


def init_errors(app: Flask) -> None:
    from caseapp.api import http_error as api_error

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
