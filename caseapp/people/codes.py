"""Closed code lists for persons: sex, residence status, nationality (with German names)."""
from __future__ import annotations

from functools import cache

import pycountry
from babel import Locale

from caseapp.codelists import ResidenceStatus, labels

SEXES = {"m": "männlich", "w": "weiblich", "d": "divers", "x": "keine Angabe"}

RESIDENCE_STATUSES = labels(ResidenceStatus)  # code -> German label (caseapp/codelists.py)

# ICAO/AZR codes outside ISO 3166-1 that the foreigners authority uses.
SPECIAL_NATIONALITIES = {
    "XKX": ("XK", "Kosovo"),
    "XXA": (None, "staatenlos"),
    "XXB": (None, "Flüchtling (GFK)"),
    "XXX": (None, "ungeklärt"),
}


@cache
def nationality_names(locale: str = "de") -> dict[str, str]:
    """alpha-3 code -> country name in the locale, Kosovo and the special codes included."""
    territories = Locale.parse(locale).territories
    names: dict[str, str] = {}
    for country in pycountry.countries:
        names[country.alpha_3] = territories.get(country.alpha_2, country.name)
    for code, (alpha2, german) in SPECIAL_NATIONALITIES.items():
        names[code] = territories.get(alpha2, german) if alpha2 and locale != "de" else german
    return names


def is_nationality(code: str) -> bool:
    return code in nationality_names("de")


def nationality_name(code: str, locale: str = "de") -> str:
    return nationality_names(locale).get(code, code)
