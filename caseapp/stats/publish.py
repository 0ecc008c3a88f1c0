"""The one door for published figures: every count a reader gets (pages, exports, charts, the map, the
API, committee reports, forecasts) is decided here - protected for aggregate readers, exact for the own
offices of a caseworker - and the marker for a hidden count is defined here.

Modules that read raw counts (caseapp.stats.queries, .occupancy, .cube, caseapp.reports.queries, the
forecast model) hand them to this module before anything is shown; tests/test_published_figures_door.py
pins which modules may import them, and that only this module calls the protection method
(caseapp.stats.suppression).
"""
from __future__ import annotations

from datetime import date

from flask import current_app

from caseapp.stats import queries
from caseapp.stats.dims import parse_dims
from caseapp.stats.suppression import protect, protect_with_margins

SUPPRESSED = "•"  # printed instead of a hidden count: tables, charts, the map, exports
SUPPRESSED_NOTE_DE = "• = weniger als {k} oder zum Schutz kleiner Zahlen unterdrückt"


def k_value() -> int:
    return int(current_app.config.get("CASEAPP_SUPPRESSION_K", 3))


def is_protected(user) -> bool:
    """True unless the user is a caseworker (aggregate-only readers get protected figures).

    Analysts, admins, auditors (aggregates only) get protected figures everywhere. Caseworkers get
    exact figures restricted to their own offices (see `publication`); shelter managers read persons
    for allocation only and get protected figures.
    """
    from caseapp.auth.roles import CASEWORKER, has_any

    return not has_any(user, {CASEWORKER})


def publication(user) -> dict:
    """How to publish figures to this user: {"protected": bool, "offices": None or set of codes}.

    A caseworker sees exact figures for the persons known to their own offices; everyone else sees
    the whole city, protected. A caseworker without an office sees nothing exact and so gets the
    protected city figures.
    """
    if not is_protected(user) and user.office_codes:
        return {"protected": False, "offices": set(user.office_codes)}
    return {"protected": True, "offices": None}


def protect_table(rows: list[dict], dims, k: int | None = None) -> dict:
    """A table of counts by `dims` and all its margins, protected together, for a public reader.

    {(): {(): n}, ("district",): {("07",): n or None}, ("district", "age_group"): {...}}; None = hidden.
    Committee reports are always protected, whoever requests them.
    """
    return protect_with_margins(rows, tuple(dims), k_value() if k is None else k)


def small_hidden(value, k: int | None = None):
    """One stand-alone figure (a forecast estimate, one period's count with no published total
    beside it): None when it lies from 1 to k-1."""
    k = k_value() if k is None else k
    return None if value is not None and 0 < value < k else value


def population_for(user, as_of: date | None = None, by=("district",), *, filters=None) -> dict:
    """{"as_of", "dims", "rows", "protected", "offices"} for this user.

    Protected tables are computed with the filter dims as dims of their own and then sliced, so a
    filtered answer is suppressed exactly like the same cells of the unfiltered bigger table.
    """
    mode = publication(user)
    dims = parse_dims(by)
    day = queries.check_as_of(as_of)
    filters = dict(filters or {})
    if not mode["protected"]:
        rows = queries.population(day, dims, offices=mode["offices"], filters=filters)
    else:
        extra = tuple(d for d in filters if d not in dims)
        full = queries.population(day, dims + extra, filters=None)
        rows = protect(full, dims + extra, k_value()) if not extra else _slice(full, dims, extra, filters)
        if not extra and filters:
            rows = [r for r in rows if all(r[d] in _values(v) for d, v in filters.items())]
    return {"as_of": day, "dims": dims, "rows": rows, "protected": mode["protected"],
            "offices": sorted(mode["offices"]) if mode["offices"] else None}


def _values(v) -> tuple:
    return tuple(v) if isinstance(v, (list, tuple, set, frozenset)) else (v,)


def _slice(full_rows, dims, extra, filters) -> list[dict]:
    """Protect the table by dims+extra with margins, then read the cells of the filtered slice.

    A filter with one value per extra dim is one slice of the bigger table; several values are
    summed, and a sum that includes a suppressed cell is itself suppressed.
    """
    tables = protect_with_margins(full_rows, dims + extra, k_value())
    table = tables[tuple(dims + extra)]
    out: dict[tuple, int | None] = {}
    for key, n in table.items():
        row = dict(zip(dims + extra, key, strict=True))
        if not all(row[d] in _values(filters[d]) for d in extra):
            continue
        if not all(row[d] in _values(filters[d]) for d in filters if d in dims):
            continue
        k = tuple(row[d] for d in dims)
        if k in out and (out[k] is None or n is None):
            out[k] = None
        else:
            out[k] = (out.get(k) or 0) + n if n is not None else None
    rows = [dict(zip(dims, k, strict=True), count=n) for k, n in out.items()]
    return queries.sort_rows(rows, dims)


def table_with_totals(user, as_of=None, rows_dim="district", cols_dim="age_group", *, filters=None) -> dict:
    """A two-way table with row, column and grand totals, protected or exact like population_for."""
    mode = publication(user)
    day = queries.check_as_of(as_of)
    dims = (rows_dim, cols_dim)
    if mode["protected"]:
        rows = queries.population(day, dims, filters=filters)
        tables = protect_with_margins(rows, dims, k_value())
    else:
        rows = queries.population(day, dims, offices=mode["offices"], filters=filters)
        tables = protect_with_margins(rows, dims, 1)
    return {"as_of": day, "dims": dims, "protected": mode["protected"], "offices": mode["offices"],
            "cells": tables[dims], "row_totals": {k[0]: v for k, v in tables[(rows_dim,)].items()},
            "col_totals": {k[0]: v for k, v in tables[(cols_dim,)].items()}, "total": tables[()].get((), 0)}


def occupancy_for(user, day: date) -> dict:
    """The occupancy page's shelter rows and sum lines, protected together for a public reader."""
    from caseapp.stats import occupancy

    protected = publication(user)["protected"]
    rows = occupancy.shelter_overview(day)
    totals = occupancy.overview_totals(rows)
    if protected:
        protect_overview(rows, totals, k_value())
    return {"rows": rows, "totals": totals, "protected": protected}


def movements_for(user, start: date, end: date, freq: str) -> list[dict]:
    """Arrivals, departures, admissions and exits per period; small counts hidden for a public reader."""
    from caseapp.stats import occupancy

    moves = occupancy.movements(start, end, freq)
    if publication(user)["protected"]:
        for m in moves:
            for key in occupancy.MOVEMENT_LABELS_DE:
                m[key] = small_hidden(m[key])
    return moves


def daily_occupancy_for(user, start: date, end: date) -> list[dict]:
    """[{"day", "occupied"}] of all shelters together; a day's small total hidden for a public reader."""
    from caseapp.stats import occupancy

    series = occupancy.daily_occupancy(start, end)
    if publication(user)["protected"]:
        series = [{**s, "occupied": small_hidden(s["occupied"])} for s in series]
    return series


def map_shelters_for(user, day: date) -> list[dict]:
    """The open shelters for the district map: occupied None where hidden (the map draws the marker).

    The same protected figures as the occupancy page, so the map shows nothing the table hides.
    """
    out = []
    for s in occupancy_for(user, day)["rows"]:
        if s["state"] == "open":
            out.append({"district": s["district"], "name": s["name"], "occupied": s["occupied"],
                        "capacity": s["capacity"]})
    return out


def protect_overview(rows: list[dict], totals: dict, k: int) -> None:
    """Suppress small occupied counts in place, rows together with their sum lines, by the shared rule.

    The sum line of the open shelters and the line of the planned and closed ones are margins of the
    rows below them: a hidden row would follow from its sum line (or from it and ">= 1"), so each group
    is protected as a one-way table with its total (caseapp.stats.suppression). A hidden occupied count
    hides the row's free beds and utilisation too, which with the printed capacity would give it away;
    a hidden total hides the sum line's occupied, free and utilisation.
    """
    for group, line in ((True, totals), (False, totals["not_open"])):
        members = [r for r in rows if (r["state"] == "open") == group]
        tables = protect_with_margins([{"id": r["id"], "count": r["occupied"]} for r in members], ("id",), k)
        cells = tables[("id",)]
        for r in members:
            if r["occupied"] and cells.get((r["id"],)) is None:
                r["occupied"] = r["free"] = r["rate"] = None
        if line["occupied"] and tables[()].get(()) is None:
            line["occupied"] = line["free"] = None
            if "rate" in line:
                line["rate"] = None
