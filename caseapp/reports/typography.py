"""German typography for reports: numbers 1.234, decimals 12,5, dates 30.09.2026, „quotes“, thin spaces."""
from __future__ import annotations

from datetime import date, datetime

from caseapp.localtime import local_date, local_datetime

NNBSP = "\u202f"  # narrow no-break space: between a number and its unit ("12,5 %"), in "§ 25"
DASH = "\u2013"  # en dash for ranges ("2026–2031")


def number(value) -> str:
    """1234 -> '1.234'; None -> '–' (no figure); a suppressed cell (marker) -> '•'."""
    if value is None:
        return DASH
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not value.is_integer():
        return decimal(value, 1)
    return f"{int(value):,}".replace(",", ".")


def decimal(value: float | None, places: int = 1) -> str:
    if value is None:
        return DASH
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def percent(value: float | None, places: int = 0) -> str:
    """0.873 -> '87 %' (with a narrow no-break space, as DIN 5008 asks)."""
    if value is None:
        return DASH
    return f"{decimal(value * 100, places)}{NNBSP}%"


def german_date(value: date | datetime | None) -> str:
    """A day as printed; a stored timestamp (UTC) first becomes Osnabrück time (caseapp/localtime.py)."""
    if value is None:
        return DASH
    return local_date(value)


def quoted(text: str) -> str:
    return f"„{text}“"


FILTERS = {
    "de_number": number,
    "de_decimal": decimal,
    "de_percent": percent,
    "de_date": german_date,
    "local_datetime": local_datetime,
    "de_quoted": quoted,
}
