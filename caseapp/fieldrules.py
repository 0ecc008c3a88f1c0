"""The field rules every writer of person and shelter data shares: formats, lengths and code lists.

Person registration and edits, shelter operations and every source adapter check a value through
the functions here, so a postcode or AZR number accepted by one door is accepted by all of them.
Digits are ASCII digits only: `str.isdigit()` and `\\d` also take Arabic-Indic digits ("٤٩٠٧٤"),
which PostgreSQL's `[0-9]` check then refuses. Each check returns None when the value is fine, else
a German message that names what is wrong; callers add the field (operations) or the column and line
(deliveries).
"""
from __future__ import annotations

import re
from datetime import date

from caseapp.people.codes import RESIDENCE_STATUSES, SEXES, is_nationality

AZR = re.compile(r"[0-9]{12}")
POSTCODE = re.compile(r"[0-9]{5}")
SOURCE_KEY = re.compile(r"[A-Za-z0-9-]{1,32}")
GERMAN_DATE = re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{4})")
# C0 controls but TAB, LF and CR (a browser's line break), DEL, and the C1 controls: never text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
DISTRICTS = frozenset(f"{n:02d}" for n in range(1, 24))

NAME_MAX = 200


def digits(text: str) -> bool:
    """Only ASCII digits (at least one). Use this, never `str.isdigit()`: that also takes "٤" and "²",
    and `int("²")` raises, so an id like `?id=²` was a server error."""
    return text.isascii() and text.isdigit()


def azr_error(value: str) -> str | None:
    if AZR.fullmatch(value):
        return None
    return f"'{value}' ist keine AZR-Nummer: genau 12 Ziffern 0-9 (siehe Ankunftsnachweis)."


def postcode_error(value: str) -> str | None:
    if POSTCODE.fullmatch(value):
        return None
    return f"'{value}' ist keine Postleitzahl: genau 5 Ziffern 0-9."


def key_error(value: str, key_column: str) -> str | None:
    if SOURCE_KEY.fullmatch(value):
        return None
    return (f"'{value}' ist keine gültige {key_column}: 1 bis 32 Zeichen, nur Buchstaben A-Z, Ziffern und "
            "Bindestrich.")


def district_error(value: str) -> str | None:
    if value in DISTRICTS:
        return None
    return f"'{value}' ist keine Stadtteilnummer: zweistellig 01 bis 23."


def control_error(value: str) -> str | None:
    if CONTROL.search(value):
        return "Der Wert enthält Steuerzeichen (z. B. ein Null-Byte); bitte korrigieren."
    return None


def text_error(value: str, limit: int) -> str | None:
    """Length and control characters of a free text (name, street, legal basis ...)."""
    if len(value) > limit:
        return f"Der Wert ist {len(value)} Zeichen lang; erlaubt sind höchstens {limit}."
    return control_error(value)


def sex_error(value: str) -> str | None:
    if value in SEXES:
        return None
    return f"'{value}' ist kein Geschlechtsschlüssel: erlaubt sind m, w, d, x (x = keine Angabe)."


def residence_status_error(value: str) -> str | None:
    if value in RESIDENCE_STATUSES:
        return None
    return f"'{value}' ist kein Aufenthaltsstatus; erlaubt sind {', '.join(RESIDENCE_STATUSES)}."


def nationality_error(code: str) -> str | None:
    if is_nationality(code):
        return None
    return (f"'{code}' ist kein Ländercode nach ISO 3166-1 alpha-3 (z. B. SYR, XKX für Kosovo, XXA "
            "staatenlos, XXX ungeklärt).")


def code_error(value: str, allowed, what: str) -> str | None:
    """A value of one of an office's own code lists (e.g. leistungsart)."""
    if value in allowed:
        return None
    return f"'{value}' ist kein gültiger Wert für {what}; erlaubt sind {', '.join(allowed)}."


def german(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def parse_german_date(text: str) -> date:
    """A full date DD.MM.YYYY (ASCII digits); ValueError with a German message otherwise."""
    m = GERMAN_DATE.fullmatch(text)
    if not m:
        raise ValueError(f"'{text}' ist kein Datum der Form TT.MM.JJJJ")
    try:
        return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        raise ValueError(f"Den Tag {text} gibt es nicht") from None
