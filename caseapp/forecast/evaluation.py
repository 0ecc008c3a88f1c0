"""The forecast's measured error by horizon, the ranges printed from it, and the actual series.

Nightly (beat: caseapp.forecast.evaluate) or with `caseapp forecast evaluate`, the model is run on the
city's own history: for each of the last school years whose cut-off day (30 September) lies in the
recorded history, it is fitted 1, 2 and 3 years before and its prediction for that year is compared with
the children actually counted on that day, per district and group. The result is stored
(ForecastEvaluation); the page, the API and the committee reports read the latest one, so they print the
same range for the same question.

A printed range is the expected value ± the measured relative error of its horizon: for the city, the
largest error of the city total seen at that horizon; for a district, the error that 80 % of the
children's district cells stayed within (weighted by children). Each is at least FLOOR per year of
horizon, because a few backtest years cannot show every kind of year. Beyond the longest measured horizon
the error grows in proportion to the horizon. The scenario range (weakest / strongest arrival year, 10 %
fewer / more births) widens a range where it is wider. The coverage - how often the actual value lay
inside the range that would have been printed - is measured leaving the year being tested out.
"""
from __future__ import annotations

import math
import time
from datetime import date

from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.forecast import data as fdata
from caseapp.forecast.model import GROUPS, actual_counts, backtest

MODEL_VERSION = "2026.12-stichtage"  # cohort model by the legal cut-off days; backtest ranges
MAX_HORIZON = 3
ACTUAL_YEARS = 4
MAX_HISTORY = 3
FLOOR = {"city": 0.02, "district": 0.05}  # smallest relative half-width per year of horizon
SHARE = 0.8  # the district range holds this share of the children's cells
GROUP_KEYS = tuple(k for k, _l, _lo, _hi in GROUPS)


def history_start() -> date | None:
    """The first recorded arrival or departure: before it the city's movements are not known."""
    from caseapp.workflows.models import Transition

    return db.session.execute(
        select(func.min(Transition.occurred_on)).where(Transition.entity == "person",
                                                       Transition.event.in_(("arrive", "depart")))
    ).scalar()


def _key(district, group) -> str:
    return f"{district or ''}|{group}"


def evaluate(as_of: date | None = None) -> dict:
    """The backtest by horizon and the actual series up to `as_of` (today), as stored."""
    from caseapp.stats.queries import today

    as_of = as_of or today()
    last = fdata.base_year(as_of)
    start = history_start()
    years = [y for y in range(last - ACTUAL_YEARS + 1, last + 1)
             if start is not None and fdata.school_cutoff(y) >= start]
    actual = {y: actual_counts(y) for y in years}
    backtests = []
    for year in years:
        for h in range(1, MAX_HORIZON + 1):
            fit = fdata.school_cutoff(year - h)
            history = min(MAX_HISTORY, (fit - start).days // 365) if fit >= start else 0
            if history < 1:
                continue
            bt = backtest(fdata.school_cutoff(year), h, history_years=history, actual=actual[year])
            backtests.append({
                "year": year, "horizon": h, "fit_date": fit.isoformat(), "history_years": history,
                "wape": bt["wape"], "total_error": bt["total_error"],
                "rows": [[r["district"], r["group"], r["predicted"], r["actual"]] for r in bt["rows"]],
            })
    result = {
        "as_of": as_of.isoformat(), "model_version": MODEL_VERSION,
        "actual": {str(y): {_key(d, g): v for (d, g), v in cells.items()} for y, cells in actual.items()},
        "backtests": backtests,
    }
    result["widths"] = widths(backtests)
    result["coverage"] = coverage_of(backtests)
    result["forecast"] = _forecast_of(as_of)
    return result


FORECAST_FIELDS = ("district", "year", "horizon", "group", "label", "low", "middle", "high", "shelter",
                   "flexi")


def _forecast_of(as_of: date) -> dict:
    """The six-year forecast of `as_of` as stored for the page and the API (places are applied when read,
    so an analyst's new entry shows at once)."""
    from caseapp.forecast.model import forecast

    result = forecast(as_of, 6, places={})
    return {"base_date": as_of.isoformat(), "years": result.years,
            "rows": [[r.get(f) for f in FORECAST_FIELDS] for r in result.rows]}


def stored_forecast(stored, base_date: date, district: str | None = None):
    """The ForecastResult kept with an evaluation of `base_date`, with today's places, or None."""
    from caseapp.forecast.model import ForecastResult, _places, _places_of, coverage, reference_date

    kept = (stored.result.get("forecast") or {}) if stored is not None else {}
    if kept.get("base_date") != base_date.isoformat():
        return None
    places = _places(kept["years"])
    rows = []
    for values in kept["rows"]:
        row = dict(zip(FORECAST_FIELDS, values, strict=True))
        if district and row["district"] != district:
            continue
        if row["flexi"] is None:
            del row["flexi"]
        row["reference_date"] = reference_date(row["group"], row["year"])
        row["places"] = _places_of(places, row["district"], row["group"], row["year"])
        row["coverage"] = coverage(row["places"], row["middle"] + row["shelter"])
        rows.append(row)
    return ForecastResult(base_date, list(kept["years"]), rows, None, None)


def _errors(backtests: list[dict], group: str, horizon: int) -> tuple[list[float], list[tuple[float, int]]]:
    """City total errors (relative) and district cells (|relative error|, actual) of one group and horizon."""
    city, cells = [], []
    for bt in backtests:
        if bt["horizon"] != horizon:
            continue
        rows = [r for r in bt["rows"] if r[1] == group]
        p, a = sum(r[2] for r in rows), sum(r[3] for r in rows)
        if a:
            city.append((p - a) / a)
        cells += [(abs(r[2] - r[3]) / r[3], r[3]) for r in rows if r[3]]
    return city, cells


def _weighted_quantile(cells: list[tuple[float, int]], share: float) -> float | None:
    if not cells:
        return None
    total = sum(w for _e, w in cells)
    seen = 0
    for e, w in sorted(cells):
        seen += w
        if seen >= share * total:
            return e
    return max(e for e, _w in cells)


def widths(backtests: list[dict]) -> dict:
    """{group: {horizon "1".."3": {"city": q, "district": q, "origins": n}}} measured; horizons without a
    backtest year are left out (half_width extends them)."""
    out: dict = {}
    for group in GROUP_KEYS:
        for h in range(1, MAX_HORIZON + 1):
            city, cells = _errors(backtests, group, h)
            if not city:
                continue
            out.setdefault(group, {})[str(h)] = {
                "city": max(abs(e) for e in city), "district": _weighted_quantile(cells, SHARE),
                "origins": len(city), "errors": city,
            }
    return out


def half_width(widths_: dict, group: str, horizon: int, level: str) -> tuple[float, bool]:
    """(relative half-width, measured?) of a range at `horizon` years for the city or a district."""
    measured = widths_.get(group, {})
    floor = FLOOR[level] * horizon
    if str(horizon) in measured and measured[str(horizon)].get(level) is not None:
        return max(measured[str(horizon)][level], floor), True
    known = [int(h) for h, w in measured.items() if w.get(level) is not None and int(h) < horizon]
    if known:
        h = max(known)
        return max(measured[str(h)][level] * horizon / h, floor), False
    return floor, False


def coverage_of(backtests: list[dict]) -> dict:
    """{horizon: {"city": [inside, tested], "district": [inside, tested]}}: how often the actual value lay
    inside the range that the other backtest years would have given (the year tested left out)."""
    out: dict = {}
    for i, bt in enumerate(backtests):
        others = widths(backtests[:i] + backtests[i + 1:])
        h = bt["horizon"]
        cov = out.setdefault(str(h), {"city": [0, 0], "district": [0, 0]})
        for group in GROUP_KEYS:
            rows = [r for r in bt["rows"] if r[1] == group]
            p, a = sum(r[2] for r in rows), sum(r[3] for r in rows)
            if a:
                q, _m = half_width(others, group, h, "city")
                lo, hi = bounds(p, q)
                cov["city"][0] += lo <= a <= hi
                cov["city"][1] += 1
            qd, _m = half_width(others, group, h, "district")
            for r in rows:
                if r[3]:
                    lo, hi = bounds(r[2], qd)
                    cov["district"][0] += lo <= r[3] <= hi
                    cov["district"][1] += 1
    return out


def bounds(expected: float, q: float) -> tuple[int, int]:
    return max(0, math.floor(expected * (1 - q))), math.ceil(expected * (1 + q))


def store(as_of: date | None = None):
    """Evaluate and keep the result (the caller commits)."""
    from caseapp.forecast.models import ForecastEvaluation

    t = time.perf_counter()
    result = evaluate(as_of)
    row = ForecastEvaluation(as_of=date.fromisoformat(result["as_of"]), model_version=MODEL_VERSION,
                             result=result, seconds=round(time.perf_counter() - t, 2))
    db.session.add(row)
    db.session.flush()
    return row


def latest(as_of: date | None = None):
    """The newest stored evaluation of this model version for a day on or before `as_of`, or None."""
    from caseapp.forecast.models import ForecastEvaluation

    stmt = select(ForecastEvaluation).where(ForecastEvaluation.model_version == MODEL_VERSION)
    if as_of is not None:
        stmt = stmt.where(ForecastEvaluation.as_of <= as_of)
    return db.session.execute(
        stmt.order_by(ForecastEvaluation.as_of.desc(), ForecastEvaluation.id.desc()).limit(1)
    ).scalar_one_or_none()


def with_ranges(rows: list[dict], widths_: dict, *, city: bool) -> None:
    """Give each forecast row (district or city total) its range: range_low / range_high of the expected
    value (middle plus shelter residents), widened to the scenario range, and whether it is measured."""
    for r in rows:
        expected = r["middle"] + r["shelter"]
        horizon = r.get("horizon") or 1
        q, measured = half_width(widths_, r["group"], horizon, "city" if city else "district")
        lo, hi = bounds(expected, q)
        r["range_low"] = min(lo, r["low"] + r["shelter"])
        r["range_high"] = max(hi, r["high"] + r["shelter"])
        r["range_width"] = q
        r["range_measured"] = measured
