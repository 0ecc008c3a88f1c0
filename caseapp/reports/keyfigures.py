"""Page 1 of every committee report, "Das Wichtigste": a few key figures, each with its change against
the previous period and the same period a year before, in words and numbers.

Counts on a day are the published population (cell-key method, caseapp/stats/publish.py); moves are
counted over the same number of days from the start of each period, so a running period is compared
with the same span of the earlier ones, not with their whole length.
"""
from __future__ import annotations

from datetime import date, timedelta

from caseapp.reports import tables
from caseapp.reports.blocks import Section, Table, Text
from caseapp.reports.typography import number
from caseapp.stats import agegroups
from caseapp.stats.publish import SUPPRESSED, key_totals, movement_totals

STOCKS = (("population", "Personen insgesamt (Stichtag)"), ("minors", "davon Minderjährige"),
          ("shelter", "in Gemeinschaftsunterkünften"))
FLOWS = (("arrivals", "Zuzüge im Zeitraum"), ("departures", "Wegzüge im Zeitraum"))


def _months_back(day: date, months: int) -> date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def section(inputs) -> Section:
    period, day = inputs.period, inputs.data_date
    span = (day - period.start).days
    months = 3 if period.is_quarter else 1
    starts = {"now": period.start, "prev": _months_back(period.start, months),
              "year": _months_back(period.start, 12)}
    minors = tables.minor_groups(agegroups.configured_groups())
    stocks = {when: key_totals(start + timedelta(days=span), minors) for when, start in starts.items()}
    flows = {when: movement_totals(start, start + timedelta(days=span)) for when, start in starts.items()}
    prev_label = "Vorquartal" if period.is_quarter else "Vormonat"
    rows, words = [], []
    for figures, items in ((stocks, STOCKS), (flows, FLOWS)):
        for key, label in items:
            now, prev, year = (figures[w][key] for w in ("now", "prev", "year"))
            rows.append([label, _shown(now), _change(now, prev), _change(now, year)])
            if key in ("population", "arrivals") and now is not None and prev is not None:
                words.append(_sentence(label, now, prev, prev_label))
    out = Section("wichtigstes", "Das Wichtigste")
    out.add(Text(" ".join(words) or "Für die Vergleichszeiträume liegen keine Zahlen vor."))
    return out.add(Table(
        caption=f"Kennzahlen am {day:%d.%m.%Y} und Veränderung gegenüber {prev_label} und Vorjahr "
                f"(gleiche Zahl von Tagen ab Beginn des Zeitraums)",
        columns=["Kennzahl", f"{period.label}", f"Veränderung zum {prev_label}", "Veränderung zum Vorjahr"],
        rows=rows, note="Personenzahlen nach dem Cell-Key-Verfahren geschützt (siehe Hinweise zur Methode); "
                        f"„{SUPPRESSED}“: 1 oder 2 Zu- oder Wegzüge, nicht ausgewiesen."))


def _shown(value):
    return SUPPRESSED if value is None else value or None


def _change(now, before) -> str:
    if now is None or before is None:
        return SUPPRESSED
    diff = now - before
    sign = "+" if diff > 0 else "−" if diff < 0 else "±"
    text = f"{sign}{number(abs(diff))}"
    if before:
        text += f" ({sign}{abs(diff) / before * 100:.1f} %)".replace(".", ",")
    return text


def _sentence(label: str, now: int, before: int, prev_label: str) -> str:
    if now == before:
        return f"{label}: {number(now)}, so viele wie im {prev_label}."
    more = "mehr" if now > before else "weniger"
    return f"{label}: {number(now)}, {number(abs(now - before))} {more} als im {prev_label}."
