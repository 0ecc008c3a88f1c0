"""The language switch of the admin (German by default, English second) and locale-aware code labels."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms.fields.choices import SelectChoice

from caseapp.auth.roles import ROLE_LABELS_DE
from caseapp.people.codes import RESIDENCE_STATUSES, SEXES, nationality_name
from caseapp.workflows.states import EVENT_LABELS_DE, STATE_LABELS_DE

lang_bp = Blueprint("lang", __name__)

# The German labels live next to the codes; these are their English counterparts for the switch.
STATE_LABELS_EN = {
    "announced": "announced", "arrived": "arrived", "accommodated": "in a shelter", "housed": "in a flat",
    "departed": "moved away", "planned": "planned", "open": "open", "closed": "closed",
}
EVENT_LABELS_EN = {
    "arrive": "Arrival", "allocate": "Allocation", "relocate": "Relocation", "move_out": "Move to a flat",
    "depart": "Departure", "open": "Open", "close": "Close",
}
SEXES_EN = {"m": "male", "w": "female", "d": "diverse", "x": "not stated"}
RESIDENCE_STATUSES_EN = {
    "ANKUNFT": "Arrival certificate", "GESTATTUNG": "Permission to stay (asylum procedure)",
    "DULDUNG": "Toleration (Duldung)", "AE": "Residence permit", "NE": "Settlement permit",
    "EU": "Free movement (EU/EEA/Switzerland)", "FIKTION": "Fictitious certificate",
    "OHNE": "No residence title",
}
# Roles (auth.roles.ROLE_LABELS_DE); the role code itself is what the CLI takes.
ROLE_LABELS_EN = {
    "admin": "Administration", "caseworker": "Casework", "shelter_manager": "Shelter management",
    "analyst": "Analysis", "auditor": "Audit and data protection", "data_steward": "Data stewardship",
}
# History rows that are bookkeeping rather than lifecycle events (workflows/history.py).
BOOKKEEPING_DE = {"register": "Erfassung", "block_beds": "Betten gesperrt", "merge": "Zusammenführung",
                  "split": "Abtrennung eines Datensatzes"}
BOOKKEEPING_EN = {"register": "Registration", "block_beds": "Beds blocked", "merge": "Merge",
                  "split": "Record split off"}
# Room features (interfaces.md names them in German).
FEATURES_DE = {
    "barrierefrei": "barrierefrei",
    "familie": "Familie",
    "frauen": "Frauen",
    "gemischt": "gemischt",
}
FEATURES_EN = {
    "barrierefrei": "barrier-free",
    "familie": "family",
    "frauen": "women only",
    "gemischt": "mixed",
}
_TABLES = {
    "state": (STATE_LABELS_DE, STATE_LABELS_EN),
    "feature": (FEATURES_DE, FEATURES_EN),
    "event": ({**EVENT_LABELS_DE, **BOOKKEEPING_DE}, {**EVENT_LABELS_EN, **BOOKKEEPING_EN}),
    "sex": (SEXES, SEXES_EN),
    "residence_status": (RESIDENCE_STATUSES, RESIDENCE_STATUSES_EN),
    "role": (ROLE_LABELS_DE, ROLE_LABELS_EN),
}


def language() -> str:
    """The request's UI language, looked up once per request (list pages ask hundreds of times)."""
    lang = g.get("caseapp_lang")
    if lang is None:
        locale = get_locale()
        lang = g.caseapp_lang = locale.language if locale else "de"
    return lang


def code_label(kind: str, code: str | None, lang: str | None = None) -> str:
    """The label of a stored code ('state', 'event', 'sex', 'residence_status', 'role', 'nationality')."""
    if code is None:
        return ""
    lang = lang or language()
    if kind == "nationality":
        return nationality_name(code, lang)
    german, english = _TABLES[kind]
    table = english if lang == "en" else german
    return table.get(code, code)


class LazyLabel:
    """A code label chosen when rendered, so filter options built at start follow the language switch."""

    def __init__(self, kind: str, code: str):
        self.kind, self.code = kind, code

    def __str__(self) -> str:
        return code_label(self.kind, self.code)

    def __html__(self) -> Markup:
        return escape(str(self))


def role_text(name: str) -> str:
    """'Shelter management (shelter_manager)': the role's name with the code the CLI takes."""
    return f"{code_label('role', name)} ({name})" if name in ROLE_LABELS_DE else name


class LazyRole(LazyLabel):
    """role_text chosen when rendered (the users form builds its choices at start)."""

    def __init__(self, name: str):
        super().__init__("role", name)

    def __str__(self) -> str:
        return role_text(self.code)


def code_options(kind: str, codes) -> list[tuple[str, LazyLabel]]:
    """(code, label) pairs, as Flask-Admin's list filters take them."""
    return [(code, LazyLabel(kind, code)) for code in codes]


def code_choices(kind: str, codes) -> list[SelectChoice]:
    """The same for a form's SelectField (WTForms deprecates plain tuples there)."""
    return [SelectChoice(code, LazyLabel(kind, code)) for code in codes]


def _safe_target(target: str | None) -> str:
    """Only same-site paths: the switch must not become an open redirect."""
    if not target:
        return "/admin/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/admin/"
    return target


@lang_bp.route("/lang/<code>")
def switch_language(code: str):
    """Keep the chosen language in the session; caseapp.i18n.select_locale reads it."""
    if code in current_app.config["CASEAPP_LANGUAGES"]:
        session["lang"] = code
    return redirect(_safe_target(request.args.get("next")))


LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}
YES_NO = {True: _l("yes"), False: _l("no")}


def forget_previous_request() -> None:
    """Drop the locale and page data an earlier request cached in g.

    Flask reuses an application context that is already pushed (the test fixtures keep one for a
    whole test), and Flask-Babel caches the chosen locale in g: without this, a language switch would
    only show from the next application context on.
    """
    from flask import g
    from flask_babel import refresh

    refresh()
    for key in [k for k in vars(g) if k.startswith("caseapp_")]:
        g.pop(key, None)


def register(admin) -> None:
    """Adds the language switch to the app the admin is bound to."""
    admin.app.register_blueprint(lang_bp)
    admin.app.before_request(forget_previous_request)
    admin.app.context_processor(lambda: {"caseapp_language": language, "caseapp_label": code_label})
    from caseapp.offices.models import OFFICES

    admin.app.jinja_env.filters["caseapp_office_name"] = lambda code: OFFICES.get(code, code)
