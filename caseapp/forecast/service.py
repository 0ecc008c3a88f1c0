"""The forecast as published on the page, in exports, through the API and (the same figures) in the
committee reports.

A forecast is an estimate for the whole city, not a count of known persons, but its first year is
close to today's children: so every published estimate from 1 to k-1 is shown as "<k" (None here) for
every reader. Estimates are rounded to whole children. The range of each estimate comes from the
latest stored evaluation (caseapp/forecast/evaluation.py): the measured backtest error of its horizon.
The actual series (children counted on the cut-off day of the last school years) are counts of persons
and are published by the cell-key method like every other count.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from flask import current_app

from caseapp.forecast import evaluation
from caseapp.forecast.data import base_year
from caseapp.forecast.model import GROUPS, forecast
from caseapp.stats import cellkey
from caseapp.stats.publish import small_hidden

VALUE_KEYS = ("low", "middle", "high", "shelter", "range_low", "range_high", "flexi")


def ranged(result, *, district: str | None = None) -> tuple[list, list, object]:
    """(district rows, city totals, stored evaluation or None) of a ForecastResult, each row with its
    range (range_low / range_high) from the latest stored evaluation: the model's error by horizon as
    best known now, also for a report of an earlier period (its forecast still starts from its own day)."""
    stored = evaluation.latest()
    widths = stored.result.get("widths", {}) if stored else {}
    rows = [dict(r) for r in result.rows if not district or r["district"] == district]
    evaluation.with_ranges(rows, widths, city=False)
    totals = [dict(t) for t in result.city_totals()]
    evaluation.with_ranges(totals, widths, city=True)
    return rows, totals, stored


def actual_series(stored, district: str | None, k: int, up_to: int | None = None) -> list[dict]:
    """[{"year", "group", "actual"}] of the last school years up to `up_to` (cut-off day counts of the
    city or one district), published by the cell-key method; [] without a stored evaluation."""
    if stored is None:
        return []
    out = []
    for year, cells in sorted(stored.result.get("actual", {}).items()):
        if up_to is not None and int(year) > up_to:
            continue
        for key, _label, _lo, _hi in GROUPS:
            n = keys = 0
            for cell, (count, key_sum) in cells.items():
                d, g = cell.split("|", 1)
                if g == key and (district is None or d == district):
                    n += count
                    keys += key_sum
            out.append({"year": int(year), "group": key, "actual": cellkey.perturb(n, keys, k)})
    return out


def forecast_for(user, base_date: date | None, years: int = 6, *, district: str | None = None) -> dict:
    """Today's forecast (base_date None) is the one the nightly evaluation computed and stored, when it ran
    today (the page says when); any other base day, or before tonight's run, is computed now."""
    from caseapp.stats.queries import today

    k = int(current_app.config.get("CASEAPP_SUPPRESSION_K", 3))
    result, computed_at = None, None
    if base_date is None:
        stored = evaluation.latest(today())
        result = evaluation.stored_forecast(stored, today(), district)
        if result is not None:
            result = replace(result, years=result.years[:years],
                             rows=[r for r in result.rows if r["year"] in result.years[:years]])
            computed_at = stored.computed_at
    if result is None:
        result = forecast(base_date, years, district=district)
    district_rows, city_rows, stored = ranged(result, district=district)
    rows = [_published({
        "district": r["district"], "year": r["year"], "horizon": r["horizon"],
        "reference_date": r["reference_date"].isoformat(), "group": r["group"], "label": r["label"],
        "places": r["places"], "coverage": r["coverage"], "range_measured": r["range_measured"],
        **{key: r[key] for key in VALUE_KEYS if key in r}}, k) for r in district_rows]
    totals = [_published({**t, "reference_date": t["reference_date"].isoformat()}, k) for t in city_rows]
    return {
        "base_date": result.base_date.isoformat(),
        "base_date_german": result.base_date.strftime("%d.%m.%Y"),
        "years": result.years,
        "groups": [{"key": key, "label": label, "ages": [lo, hi]} for key, label, lo, hi in GROUPS],
        "rows": rows,
        "city": totals if not district else [],
        "actual": actual_series(stored, district, k, up_to=base_year(result.base_date)),
        "evaluation": _evaluation_summary(stored),
        # when the figures were computed: at the nightly evaluation (stored) or for this request (None)
        "computed_at": computed_at.isoformat(timespec="minutes") if computed_at else None,
        "method": "Kohorten-Komponenten-Modell nach den Stichtagen (Kita-Jahr ab 1. August, Einschulung: "
                  "6 Jahre bis 30. September); Spanne aus dem gemessenen Fehler der Rückrechnung je "
                  "Prognosehorizont, mindestens die Spanne der Szenarien; Bewohner von "
                  "Gemeinschaftsunterkünften als eigene Gruppe (shelter).",
        "suppression": f"Schätzwerte von 1 bis {k - 1} sind unterdrückt (leer).",
    }


def _evaluation_summary(stored) -> dict | None:
    if stored is None:
        return None
    r = stored.result
    return {"as_of": r["as_of"], "model_version": r["model_version"],
            "computed_at": stored.computed_at.isoformat(timespec="minutes") if stored.computed_at else None,
            "backtests": [{key: bt[key] for key in ("year", "horizon", "fit_date", "wape", "total_error")}
                          for bt in r.get("backtests", [])],
            "coverage": r.get("coverage", {})}


def _published(row: dict, k: int) -> dict:
    """A forecast row as published: `expected` (middle plus shelter residents: the figure the committee
    reports print, so screen and PDF agree), each estimate from 1 to k-1 hidden, and the coverage rate
    hidden with a hidden expected value (it would give it away with the places)."""
    row.pop("_with_places", None)
    row["expected"] = row["middle"] + row["shelter"]
    for key in (*VALUE_KEYS, "expected"):
        if key in row:
            row[key] = small_hidden(row[key], k)
    if row["expected"] is None:  # the coverage rate and the range would give it away
        row["coverage"] = None
        row["range_low"] = row["range_high"] = None
    return row
