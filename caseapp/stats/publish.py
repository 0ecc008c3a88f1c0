"""Figures as a given user may see them: protected city-wide for aggregate readers, exact for the own
offices of a caseworker. Every page, export, chart and API answer goes through here."""
from __future__ import annotations

from datetime import date

from flask import current_app

from caseapp.stats import queries
from caseapp.stats.dims import parse_dims
from caseapp.stats.suppression import protect, protect_with_margins, publication


def k_value() -> int:
    return int(current_app.config.get("CASEAPP_SUPPRESSION_K", 3))


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
