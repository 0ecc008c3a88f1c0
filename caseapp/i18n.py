"""Locale choice: German by default, English when the user switches (kept in the session)."""
from __future__ import annotations

from flask import current_app, request, session


def select_locale() -> str:
    languages = current_app.config["CASEAPP_LANGUAGES"]
    chosen = session.get("lang") if request else None
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
