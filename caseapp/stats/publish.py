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
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from caseapp.codelists import ShelterState
from caseapp.extensions import db
from caseapp.stats import cellkey, queries
from caseapp.stats.dims import DimensionError, parse_dims
from caseapp.stats.lattice import subsets_of
from caseapp.stats.suppression import protect_with_margins

SUPPRESSED = "•"  # printed instead of a hidden count: tables, charts, the map, exports
SUPPRESSED_NOTE_DE = "• = weniger als {k} oder zum Schutz kleiner Zahlen unterdrückt"
PERTURBED_NOTE_DE = ("Alle Zahlen sind zum Schutz Einzelner um wenige Einheiten zufällig verändert "
                     "(Cell-Key-Verfahren); 1 bis {km1} Personen erscheinen als {k} bis {kp2}. Summen können "
                     "daher von der Summe ihrer Teile abweichen.")


def k_value() -> int:
    return int(current_app.config.get("CASEAPP_SUPPRESSION_K", 3))


def population_note() -> str:
    """How protected population figures are to be read (pages, exports, API, reports)."""
    k = k_value()
    return PERTURBED_NOTE_DE.format(km1=k - 1, k=k, kp2=k + 2)


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


def check_dims_for(user, dims, filters=None) -> None:
    """DimensionError (German, naming the office) for an office's own facts this user may not count by:
    a caseworker counts exactly, so only by the facts of their own offices (stats/dims.office_dims_for)."""
    from caseapp.offices.models import OFFICES
    from caseapp.stats.dims import DIM_LABELS_DE, OFFICE_DIMS, office_dims_for

    allowed = set(office_dims_for(user))
    for dim in (*dims, *(filters or {})):
        if dim in OFFICE_DIMS and dim not in allowed:
            office = OFFICES.get(OFFICE_DIMS[dim][0], OFFICE_DIMS[dim][0])
            raise DimensionError(f"„{DIM_LABELS_DE[dim]}“ ist eine Angabe des Amts „{office}“; genaue Zahlen "
                                 "dazu sehen nur dessen Beschäftigte, geschützte Zahlen die Auswertung")


def population_for(user, as_of: date | None = None, by=("district",), *, filters=None) -> dict:
    """{"as_of", "dims", "rows", "protected", "offices"} for this user.

    Protected: every cell by the cell-key method (caseapp/stats/cellkey.py) from its persons' count and
    record keys, so a cell reads the same in every table, filter and page that holds the same persons.
    """
    mode = publication(user)
    dims = parse_dims(by)
    day = queries.check_as_of(as_of)
    filters = dict(filters or {})
    check_dims_for(user, dims, filters)
    if not mode["protected"]:
        rows = queries.population(day, dims, offices=mode["offices"], filters=filters)
    else:
        k = k_value()
        rows = [{**{d: r[d] for d in dims}, "count": cellkey.perturb(r["count"], r["key"], k)}
                for r in keyed_rows(day, dims, filters)]
        rows = queries.sort_rows(rows, dims)
    return {"as_of": day, "dims": dims, "rows": rows, "protected": mode["protected"],
            "offices": sorted(mode["offices"]) if mode["offices"] else None}


class TooCostly(DimensionError):
    """A protected query that ran past CASEAPP_STATS_TIMEOUT_MS; the message says what to do."""


def keyed_rows(day, dims, filters, *, interactive: bool = True) -> list[dict]:
    """queries.keyed_population under a statement timeout on PostgreSQL, in a savepoint, so a query that
    would hold a worker is cancelled and refused with a clear message while the request goes on; a table
    of more than CASEAPP_STATS_MAX_CELLS cells is refused too. `interactive=False` (a committee report,
    built by the reports worker): neither limit."""
    if not interactive:
        return queries.keyed_population(day, dims, filters=filters)
    cells = int(current_app.config.get("CASEAPP_STATS_MAX_CELLS", 20000))
    if db.session.get_bind().dialect.name != "postgresql":
        rows = queries.keyed_population(day, dims, filters=filters, limit=cells + 1)
        return _within_cells(rows, dims, cells)
    limit = int(current_app.config.get("CASEAPP_STATS_TIMEOUT_MS", 1000))
    try:
        with db.session.begin_nested():
            before = db.session.execute(text("SELECT current_setting('statement_timeout')")).scalar()
            db.session.execute(text("SELECT set_config('statement_timeout', :t, true)"), {"t": f"{limit}ms"})
            rows = queries.keyed_population(day, dims, filters=filters, limit=cells + 1)
            db.session.execute(text("SELECT set_config('statement_timeout', :t, true)"), {"t": before})
    except OperationalError as exc:
        if "statement timeout" not in str(exc.orig):
            raise
        raise TooCostly(
            f"Die Auswertung nach {_named(dims) or 'Gesamtzahl'} dauert zu lange "
            f"(über {limit / 1000:g} s) "
            "und wurde abgebrochen. Bitte weniger Merkmale in by= wählen oder nach einzelnen Werten filtern."
        ) from None
    return _within_cells(rows, dims, cells)


def _named(dims) -> str:
    """The dims as a reader knows them: "Stadtteil, Altersgruppe" (the API's codes after the name)."""
    from caseapp.stats.dims import DIM_LABELS_DE

    return ", ".join(f"{DIM_LABELS_DE.get(d, d)} ({d})" for d in dims)


def _within_cells(rows: list[dict], dims, cells: int) -> list[dict]:
    """A table of more than CASEAPP_STATS_MAX_CELLS cells is refused: nearly all of them would hold one or
    two persons (shown perturbed, of no use to a reader), and perturbing and sending them would hold the
    worker for seconds at 200,000 persons (docs/benchmarks.md)."""
    if len(rows) > cells:
        raise TooCostly(
            f"Die Auswertung nach {_named(dims)} ergibt mehr als {format(cells, ',').replace(',', '.')} "
            "Zellen und wird nicht veröffentlicht. Bitte weniger Merkmale in by= wählen oder nach einzelnen "
            "Werten filtern."
        )
    return rows


def population_tables(as_of: date | None, dims, *, filters=None, k: int | None = None,
                      interactive: bool = True) -> dict:
    """The population by `dims` and all its margins as published to the public (committee reports):
    {(): {(): n}, ("district",): {("07",): n or None}, ("district", "age_group"): {...}}; None = "•".

    Each cell is perturbed on its own by the cell-key method, so a margin need not equal the sum of
    its published cells; it equals the same cell of every other table.
    """
    k = k_value() if k is None else k
    dims = tuple(dims)
    rows = keyed_rows(as_of, dims, filters, interactive=interactive)
    out: dict[tuple, dict] = {}
    for subset in subsets_of(dims):
        idx = [dims.index(d) for d in subset]
        sums: dict[tuple, list] = {}
        for r in rows:
            key = tuple(r[dims[i]] for i in idx)
            cell = sums.setdefault(key, [0, 0])
            cell[0] += r["count"]
            cell[1] += r["key"]
        out[subset] = {key: cellkey.perturb(n, ks, k) for key, (n, ks) in sums.items()}
    return out


def table_with_totals(user, as_of=None, rows_dim="district", cols_dim="age_group", *, filters=None) -> dict:
    """A two-way table with row, column and grand totals, protected or exact like population_for."""
    mode = publication(user)
    day = queries.check_as_of(as_of)
    dims = (rows_dim, cols_dim)
    check_dims_for(user, dims, filters)
    if mode["protected"]:
        tables = population_tables(day, dims, filters=filters)
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
    """[{"day", "occupied"}] of all shelters together. A public reader gets each day's count by the
    cell-key method (from the day's residents' record keys): a move of one or two persons between two days
    changes the noise too, so the difference of two published days never gives the exact move."""
    from caseapp.stats import occupancy

    series = occupancy.daily_occupancy(start, end)
    if publication(user)["protected"]:
        k = k_value()
        return [{"day": s["day"], "occupied": cellkey.perturb(s["occupied"], s["key"], k)} for s in series]
    return [{"day": s["day"], "occupied": s["occupied"]} for s in series]


def map_shelters_for(user, day: date) -> list[dict]:
    """The open shelters for the district map: occupied None where hidden (the map draws the marker).

    The same protected figures as the occupancy page, so the map shows nothing the table hides.
    """
    out = []
    for s in occupancy_for(user, day)["rows"]:
        if s["state"] == ShelterState.open:
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
        members = [r for r in rows if (r["state"] == ShelterState.open) == group]
        tables = protect_with_margins([{"id": r["id"], "count": r["occupied"]} for r in members], ("id",), k)
        cells = tables[("id",)]
        for r in members:
            if r["occupied"] and cells.get((r["id"],)) is None:
                r["occupied"] = r["free"] = r["rate"] = None
        if line["occupied"] and tables[()].get(()) is None:
            line["occupied"] = line["free"] = None
            if "rate" in line:
                line["rate"] = None


def key_totals(day: date, minor_groups: list[str]) -> dict:
    """The population on `day` as published to the public: everyone, minors, in shelters (cell-key method;
    the same persons give the same figure as in every other table). One query per day."""
    k = k_value()
    rows = keyed_rows(day, ("age_group", "housing"), None, interactive=False)  # the reports' key figures

    def cell(keep) -> int:
        chosen = [r for r in rows if keep(r)]
        return cellkey.perturb(sum(r["count"] for r in chosen), sum(r["key"] for r in chosen), k)

    return {"population": cell(lambda r: True), "minors": cell(lambda r: r["age_group"] in minor_groups),
            "shelter": cell(lambda r: r["housing"] == "shelter")}


def movement_totals(start: date, end: date) -> dict:
    """Arrivals, departures, admissions and exits from start to end, each hidden from 1 to k-1."""
    from caseapp.stats import occupancy

    moves = occupancy.movements(start, end, "month")
    return {key: small_hidden(sum(m[key] for m in moves)) for key in occupancy.MOVEMENT_LABELS_DE}
