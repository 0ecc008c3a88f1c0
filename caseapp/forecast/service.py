"""The forecast as published on the page, in exports and through the API.

A forecast is an estimate for the whole city, not a count of known persons, but its first year is
close to today's children: so every published estimate from 1 to k-1 is shown as "<k" (None here) for
every reader. Estimates are rounded to whole children.
"""
from __future__ import annotations

from datetime import date

from flask import current_app

from caseapp.forecast.model import GROUPS, backtest, forecast
from caseapp.stats.publish import small_hidden

VALUE_KEYS = ("low", "middle", "high", "shelter")


def forecast_for(user, base_date: date | None, years: int = 6, *, district: str | None = None) -> dict:
    k = int(current_app.config.get("CASEAPP_SUPPRESSION_K", 3))
    result = forecast(base_date, years, district=district)
    rows = []
    for r in result.rows:
        if district and r["district"] != district:
            continue
        rows.append(_published({
            "district": r["district"], "year": r["year"], "reference_date": r["reference_date"].isoformat(),
            "group": r["group"], "label": r["label"], "places": r["places"], "coverage": r["coverage"],
            **{key: r[key] for key in VALUE_KEYS}}, k))
    totals = [_published(dict(t), k) for t in result.city_totals()]
    return {
        "base_date": result.base_date.isoformat(),
        "base_date_german": result.base_date.strftime("%d.%m.%Y"),
        "years": result.years,
        "groups": [{"key": key, "label": label, "ages": [lo, hi]} for key, label, lo, hi in GROUPS],
        "rows": rows,
        "city": totals if not district else [],
        "method": "Kohorten-Komponenten-Modell; Spannweite niedrig/mittel/hoch; "
                  "Bewohner von Gemeinschaftsunterkünften als eigene Gruppe (shelter).",
        "suppression": f"Schätzwerte von 1 bis {k - 1} sind unterdrückt (leer).",
    }


def _published(row: dict, k: int) -> dict:
    """A forecast row as published: `expected` (middle plus shelter residents: the figure the committee
    reports print, so screen and PDF agree), each estimate from 1 to k-1 hidden, and the coverage rate
    hidden with a hidden expected value (it would give it away with the places)."""
    row["expected"] = row["middle"] + row["shelter"]
    for key in (*VALUE_KEYS, "expected"):
        row[key] = small_hidden(row[key], k)
    if row["expected"] is None:
        row["coverage"] = None
    return row


def backtest_summary(target_date: date | None = None) -> dict:
    """The backtest for the page: fit a year before, predict today's children, WAPE and total error."""
    result = backtest(target_date)
    return {
        key: result[key] for key in ("fit_date", "target_date", "horizon", "wape", "total_error", "by_group")
    }
