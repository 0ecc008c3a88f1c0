"""Report periods ("2026-Q3", "2026-09"): parsing with German errors, bounds and German labels."""
from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

MONTHS_DE = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
             "Oktober", "November", "Dezember")
# The usual German short forms (as in DIN 5008 dates), for axis labels where a full name would not fit.
MONTHS_SHORT_DE = ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.",
                   "Dez.")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    code: str
    start: date
    end: date  # inclusive: the last day of the period
    label: str  # German, e.g. "3. Quartal 2026" or "September 2026"

    @property
    def is_quarter(self) -> bool:
        return "Q" in self.code

    def data_date(self, today: date) -> date:
        """The day the figures describe: the period's last day, or today while it is still running."""
        return min(self.end, today)


def parse_period(text: str) -> Period:
    value = (text or "").strip().upper()
    if m := _QUARTER.match(value):
        year, quarter = int(m[1]), int(m[2])
        _check_year(year)
        first = 3 * quarter - 2
        end = date(year, first + 2, monthrange(year, first + 2)[1])
        return Period(f"{year}-Q{quarter}", date(year, first, 1), end, f"{quarter}. Quartal {year}")
    if m := _MONTH.match(value):
        year, month = int(m[1]), int(m[2])
        _check_year(year)
        if not 1 <= month <= 12:
            raise PeriodError(f"Den Monat {month:02d} gibt es nicht (01 bis 12).")
        end = date(year, month, monthrange(year, month)[1])
        return Period(f"{year}-{month:02d}", date(year, month, 1), end, f"{MONTHS_DE[month - 1]} {year}")
    raise PeriodError(
        f"„{(text or '').strip()[:20]}“ ist kein Berichtszeitraum. Erwartet wird ein Quartal wie 2026-Q3 "
        "oder ein Monat wie 2026-09."
    )


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise PeriodError(f"Das Jahr {year} liegt außerhalb des zulässigen Bereichs (2000 bis 2100).")


def previous_month(today: date) -> Period:
    """The last complete month before `today`: what the monthly run reports on."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return parse_period(f"{year}-{month:02d}")


def check_not_future(period: Period, today: date) -> None:
    if period.start > today:
        raise PeriodError(f"Der Zeitraum {period.label} hat noch nicht begonnen.")
