"""The per-shelter part of the fire-safety report: for each shelter its beds, fire-safety limit, occupancy
on the data date, highest occupancy and days above the limit in the period, moves in and out, and its
daily occupancy drawn against beds and limit.

Protection: each shelter's daily occupancy and the daily total are published by the cell-key method
(protected_daily), so the chart's coordinates are protected values and the difference of two days is not
the exact move; the highest occupancy is the published value of the peak day. The occupancy on the data
date (the same cells as the overview table) and each count of moves stay on the dashboards' suppression.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from caseapp.reports import sparks, tables
from caseapp.reports.blocks import NoData, Part, PartsTable, Section, Text
from caseapp.reports.periods import MONTHS_SHORT_DE
from caseapp.reports.queries import daily_occupancy_by_shelter, stays_begun_and_ended
from caseapp.reports.typography import percent
from caseapp.stats.cellkey import perturb
from caseapp.stats.publish import SUPPRESSED

WIDTHS = [11, 11, 11, 12, 11, 11, 11, 11, 11]
START = 0.16  # share of the chart's width left free for the scale


@dataclass
class Daily:
    """Every day of the period: each shelter's occupancy, true and as published, and the city total."""

    days: list
    series: dict  # shelter id -> true daily values
    shown: dict  # shelter id -> published daily values (None = suppressed)
    totals: list
    shown_totals: list


def protected_daily(inputs, shelters: list[dict]) -> Daily:
    """Each day's occupancy of the report's shelters and of all of them, published by the cell-key method
    (caseapp/stats/cellkey.py) from the residents' record keys: the same persons give the same figure every
    day, one more or one fewer redraws the noise, so neither a day's count nor the move between two days
    (a family of one or two on a named day) can be read exactly from the chart's coordinates, and nothing
    needs hiding. A shelter's line and the total are perturbed each on its own."""
    start, end = inputs.period.start, inputs.data_date
    ids = [r["id"] for r in shelters]
    all_series = daily_occupancy_by_shelter(start, end, keys=True)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    keyed = {i: all_series.get(i, [(0, 0)] * len(days)) for i in ids}
    series = {i: [n for n, _k in keyed[i]] for i in ids}
    shown = {i: [perturb(n, k, inputs.k) for n, k in keyed[i]] for i in ids}
    totals, shown_totals = [], []
    for d in range(len(days)):
        n = sum(keyed[i][d][0] for i in ids)
        totals.append(n)
        shown_totals.append(perturb(n, sum(keyed[i][d][1] for i in ids), inputs.k))
    return Daily(days, series, shown, totals, shown_totals)


def section(inputs, shelters: list[dict], limits: dict, names: dict, daily: Daily) -> Section:
    out = Section("unterkuenfte", "Unterkünfte im Einzelnen")
    if not shelters:
        return out.add(NoData("Im Berichtszeitraum war keine Gemeinschaftsunterkunft geöffnet."))
    out.add(Text("Für jede Unterkunft: Betten, Brandschutzgrenze und Belegung am Stichtag, der Höchststand "
                 "und die Tage über der Brandschutzgrenze im Berichtszeitraum, die begonnenen und beendeten "
                 "Belegungen (Einzüge und Auszüge, Verlegungen eingeschlossen) und darunter die Belegung Tag "
                 "für Tag (blaue Linie) mit der Zahl der Betten (grau gestrichelt) und der Brandschutzgrenze "
                 "(rot gestrichelt). Die Zahl links oben ist der höchste Wert der Skala, die untere Linie "
                 "steht für null."))
    start, end = inputs.period.start, inputs.data_date
    ids = [r["id"] for r in shelters]
    today = tables.protected_lattice([{"s": r["id"], "count": r["occupied"]} for r in shelters], ("s",),
                                     inputs.k)[("s",)]
    moves = stays_begun_and_ended(start, end)
    begun = _protect({i: moves.get(i, (0, 0))[0] for i in ids}, inputs.k)
    ended = _protect({i: moves.get(i, (0, 0))[1] for i in ids}, inputs.k)
    days = daily.days
    parts = []
    for r in shelters:
        sid, limit = r["id"], limits.get(r["id"])
        true_days, shown_days = daily.series[sid], daily.shown[sid]
        peak = max(true_days, default=0)
        over = sum(1 for v in true_days if limit is not None and v > limit)
        occupied = tables.printed(today, (sid,))
        exact = occupied not in (SUPPRESSED, None)
        row = [r["beds"], r["blocked"] or None, limit if limit is not None else "keine", occupied,
               percent(r["occupied"] / limit) if limit and exact else "",
               shown_days[true_days.index(peak)] if peak else None,  # as published that day
               over or None, tables.printed(begun, (sid,)), tables.printed(ended, (sid,))]
        parts.append(Part(f"{r['name']} ({names.get(r['district'], r['district'])})", [row],
                          _chart(r, limit, days, shown_days)))
    return out.add(PartsTable(
        columns=["Betten", "gesperrt", "Brand\u00adschutz\u00adgrenze", f"belegt am {end:%d.%m.}",
                 "% der Grenze", "Höchst\u00adstand", "Tage über der Grenze", "Einzüge", "Auszüge"],
        widths=WIDTHS, parts=parts, text_columns=0))


def _protect(values: dict, k: int) -> dict:
    rows = [{"s": i, "count": n} for i, n in values.items()]
    return tables.protected_lattice(rows, ("s",), k)[("s",)] if rows else {}


def day_axis(days: list) -> tuple[list[float], dict[int, str]]:
    """x positions of daily values and their labels: month starts (and Mondays in a month's report)."""
    n = len(days)
    positions = [START + (1 - START) * (i / (n - 1) if n > 1 else 0.5) for i in range(n)]
    labels = {i: MONTHS_SHORT_DE[d.month - 1] if d.day == 1 else f"{d:%d.%m.}"
              for i, d in enumerate(days) if d.day == 1 or (n <= 31 and d.weekday() == 0)}
    return positions, labels


def _chart(row: dict, limit, days: list, values: list):
    positions, firsts = day_axis(days)
    return sparks.line_chart(positions, {"belegt": values},
                             f"{row['name']}: Belegung Tag für Tag mit Betten und Brandschutzgrenze",
                             levels={"Betten": row["beds"] or None, "Brandschutzgrenze": limit},
                             x_labels=firsts, legend=False)
