"""Admin pages "Statistik", "Belegung" and "Prognose" (population, occupancy, forecast): tables with
totals, charts, the district map and the forecast with its backtest error, each exportable as CSV and XLSX.

Who: everyone who may read aggregates (analyst, admin, caseworker, shelter_manager, auditor). The
figures are published through caseapp/stats/publish.py: protected for aggregate readers, exact for a
caseworker's own offices.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_security import current_user
from markupsafe import Markup

from caseapp.admin.base import SecureBaseView
from caseapp.admin.i18n import code_label
from caseapp.admin.stats_words import (
    DIM_LABELS,
    GROUP_LABELS,
    MOVEMENT_LABELS,
    period_text,
    population_note,
    suppression_note,
    value_text,
)
from caseapp.auth.roles import READ_AGGREGATES
from caseapp.charts.text import number_de
from caseapp.codelists import ShelterState
from caseapp.districts.models import District
from caseapp.extensions import db
from caseapp.inputcheck import parse_query_day
from caseapp.stats.dims import BASE_DIMS, DimensionError, office_dims_for, value_sort_key
from caseapp.stats.exports import download
from caseapp.stats.publish import (
    TooCostly,
    daily_occupancy_for,
    k_value,
    map_shelters_for,
    movements_for,
    occupancy_for,
    population_for,
    table_with_totals,
)


def _charts():
    """The chart module, imported when a page draws a chart: matplotlib costs ~1 s at every start."""
    import caseapp.charts

    return caseapp.charts


def _user():
    return current_user._get_current_object()


def _as_of():
    value = request.args.get("as_of")
    if not value:
        return None, None
    try:
        day = parse_query_day(value)
    except ValueError:
        return None, _("'%(value)s' is not a date; today's figures are shown.", value=value)
    if day > date.today():
        return None, _("The date lies in the future; today's figures are shown.")
    return day, None


def district_info() -> tuple[dict, dict]:
    """(number -> name, number -> geometry or None)."""
    rows = db.session.scalars(db.select(District).order_by(District.number)).all()
    return {d.number: d.name for d in rows}, {d.number: d.geometry for d in rows}


def _answer_or_refuse(view):
    """The view's page, or - for a figure the door refuses (too costly, TooCostly: 503; another office's
    fact: 400) - the German reason on a page of its own instead of a server error."""
    try:
        return view._page()
    except DimensionError as exc:
        status = 503 if isinstance(exc, TooCostly) else 400
        return view.render("admin/stats/refused.html", message=str(exc), title=view.name), status


class StatsView(SecureBaseView):
    allowed_roles = READ_AGGREGATES

    @expose("/")
    def index(self):
        return _answer_or_refuse(self)

    def _page(self):
        day, warning = _as_of()
        rows_dim = request.args.get("rows", "district")
        cols_dim = request.args.get("cols", "age_group")
        user = _user()
        # the other offices' facts only for those who may count by them (stats/dims.office_dims_for)
        dims = (*BASE_DIMS, *office_dims_for(user))
        if rows_dim not in dims or cols_dim not in dims or rows_dim == cols_dim:
            rows_dim, cols_dim, warning = (
                "district",
                "age_group",
                _("Unknown choice; the standard table is shown."),
            )
        names, geometries = district_info()
        table = table_with_totals(user, day, rows_dim, cols_dim)
        label = lambda dim, v: value_text(dim, v, names)
        row_keys = list(table["row_totals"])
        col_keys = list(table["col_totals"])
        col_keys.sort(key=value_sort_key(cols_dim))
        row_keys.sort(key=value_sort_key(rows_dim))
        fmt = request.args.get("export")
        if fmt:
            header = [str(DIM_LABELS[rows_dim])] + [label(cols_dim, c) for c in col_keys] + [_("Total")]
            body = [[label(rows_dim, r)] + [table["cells"].get((r, c), 0) for c in col_keys]
                    + [table["row_totals"][r]] for r in row_keys]
            body.append([_("Total")] + [table["col_totals"][c] for c in col_keys] + [table["total"]])
            note = population_note(k_value()) if table["protected"] else None
            return download(fmt, f"bevoelkerung-{rows_dim}-{cols_dim}-{table['as_of']}", header, body, note)
        by_district = population_for(user, day, ("district",))
        values = {r["district"]: r["count"] for r in by_district["rows"] if r["district"]}
        values.update({n: values.get(n, 0) for n in names if n not in values})
        shelters = map_shelters_for(user, day or date.today())
        pyramid_rows = population_for(user, day, ("age_group", "sex"))["rows"]
        groups = _ordered("age_group")
        male = [_cell(pyramid_rows, ("age_group", g), ("sex", "m")) for g in groups]
        female = [_cell(pyramid_rows, ("age_group", g), ("sex", "w")) for g in groups]
        charts = {
            "map": Markup(_charts().district_map(
                values, shelters, title=_("Persons by district"), names=names, geometries=geometries,
                legend_label=_("Persons"), captions=(_("Official district boundaries"),
                                                     _("Schematic drawing, not the real boundaries"),
                                                     _("Circles: communal shelters, filled by occupancy")))),
            "pyramid": Markup(_charts().pyramid(groups, male, female, title=_("Age structure"),
                                                words=(_("male"), _("female"), _("Persons")))),
        }
        # The charts' text alternatives: the same published (protected) figures as tables.
        figures = {"map": [(n, names[n], values.get(n)) for n in sorted(names)],
                   "pyramid": list(zip(groups, male, female, strict=True))}
        return self.render(
            "admin/stats/index.html", table=table, row_keys=row_keys, col_keys=col_keys, label=label,
            rows_dim=rows_dim, cols_dim=cols_dim, dims=dims, dim_labels=DIM_LABELS, charts=charts,
            figures=figures,
            number=number_de, warning=warning, as_of=table["as_of"], k=k_value(),
            note=population_note(k_value()),
        )




def _ordered(dim):
    if dim == "age_group":
        from caseapp.stats.agegroups import configured_groups

        return [g.label for g in configured_groups()]
    return []


def _cell(rows, *conditions):
    for r in rows:
        if all(r[d] == v for d, v in conditions):
            return r["count"]
    return 0


class OccupancyView(SecureBaseView):
    allowed_roles = READ_AGGREGATES

    @expose("/")
    def index(self):
        return _answer_or_refuse(self)

    def _page(self):
        day, warning = _as_of()
        day = day or date.today()
        user, k = _user(), k_value()
        overview = occupancy_for(user, day)
        rows, totals, protected = overview["rows"], overview["totals"], overview["protected"]
        freq = request.args.get("freq", "week")
        freq = freq if freq in ("week", "month") else "week"
        start = day - timedelta(weeks=12) if freq == "week" else (day - timedelta(days=365)).replace(day=1)
        moves = movements_for(user, start, day, freq)
        export = request.args.get("export")
        if export == "csv" or export == "xlsx":
            what = request.args.get("table", "shelters")
            if what == "movements":
                header = [_("Period")] + [str(text) for text in MOVEMENT_LABELS.values()]
                body = [[period_text(m["period"])] + [m[key] for key in MOVEMENT_LABELS] for m in moves]
                return download(export, f"bewegungen-{freq}-{day}", header, body)
            header = [_("Shelter"), _("District"), _("State"), _("Beds"), _("blocked"), _("Capacity"),
                      _("occupied"), _("free")]
            body = [[r["name"], r["district"], code_label("state", r["state"]), r["beds"], r["blocked"],
                     r["capacity"], r["occupied"], r["free"] if r["state"] == ShelterState.open else "–"]
                    for r in rows]
            return download(export, f"belegung-{day}", header, body)
        series = daily_occupancy_for(user, day - timedelta(days=90), day)
        values = [s["occupied"] for s in series]
        chart = Markup(_charts().line_chart([s["day"] for s in series], {_("occupied"): values},
                                  title=_("Occupied places in all shelters, last 90 days"),
                                  ylabel=_("Count")))
        move_chart = Markup(_charts().bar_chart([period_text(m["period"]) for m in moves],
                                                [m["arrivals"] for m in moves],
                                      title=_("Moves to the city per week") if freq == "week"
                                      else _("Moves to the city per month"), ylabel=_("Count")))
        return self.render("admin/stats/occupancy.html", rows=rows, totals=totals, moves=moves, freq=freq,
                           series=series,
                           labels=MOVEMENT_LABELS, chart=chart, move_chart=move_chart, day=day,
                           number=number_de, warning=warning, protected=protected, k=k,
                           period_label=period_text)


class ForecastView(SecureBaseView):
    allowed_roles = READ_AGGREGATES

    @expose("/")
    def index(self):
        from caseapp.forecast.service import forecast_for

        names, _geo = district_info()
        district = request.args.get("district") or None
        if district not in names:
            district = None
        result = forecast_for(_user(), None, 6, district=district)
        result = _in_words(result, k_value())
        table = result["rows"] if district else result["city"]
        export = request.args.get("export")
        if export in ("csv", "xlsx"):
            header = [_("District"), _("Year"), _("Reference date"), _("Group"), _("expected"),
                      _("of these in shelters"), _("Range from"), _("Range to"), _("low"), _("middle"),
                      _("high"), _("Places"), _("Coverage rate (places per 100 children)")]
            city = pgettext("area", "City")
            body = [[r.get("district") or city, r["year"], r["reference_date"], r["label"], r["expected"],
                     r["shelter"], r.get("range_low"), r.get("range_high"), r["low"], r["middle"], r["high"],
                     r.get("places"), None if r.get("coverage") is None else round(r["coverage"])]
                    for r in (result["rows"] if district else _all(result))]
            return download(export, f"prognose-{district or 'stadt'}-{result['base_date']}", header, body,
                            result["suppression"])
        actual_years = sorted({a["year"] for a in result["actual"]})
        actual = {(a["year"], a["group"]): a["actual"] for a in result["actual"]}
        chart = _forecast_chart(result, table, actual_years, actual)
        return self.render("admin/stats/forecast.html", result=result, table=table, district=district,
                           names=names, chart=chart, evaluation=result["evaluation"], number=number_de,
                           actual_years=actual_years, actual=actual)


def _in_words(result: dict, k: int) -> dict:
    """The forecast's group labels and suppression note in the reader's language."""
    def rows(items):
        return [{**r, "label": str(GROUP_LABELS.get(r["group"], r["label"]))} for r in items]

    return {**result, "rows": rows(result["rows"]), "city": rows(result["city"]),
            "groups": [{**g, "label": str(GROUP_LABELS.get(g["key"], g["label"]))} for g in result["groups"]],
            "suppression": suppression_note(k)}


def _all(result):
    return [{**r, "district": pgettext("area", "City")} for r in result["city"]] + result["rows"]


def _forecast_chart(result, table, actual_years, actual):
    """Per group one line: the children counted on the cut-off day of the last school years, then the
    expected values of the forecast years, with the range shaded over the forecast years."""
    years = [*actual_years, *result["years"]]
    series, bands = {}, {}
    for g in result["groups"]:
        rows = [next((r for r in table if r["group"] == g["key"] and r["year"] == y), None)
                for y in result["years"]]
        series[g["label"]] = [actual.get((y, g["key"])) for y in actual_years] + [r["expected"] if r else None
                                                                                for r in rows]
        if actual_years:
            bands[g["label"]] = ([None] * (len(actual_years) - 1) + [actual.get((actual_years[-1], g["key"]))]
                                 + [(r.get("range_low") or 0) if r else 0 for r in rows],
                                 [None] * (len(actual_years) - 1) + [actual.get((actual_years[-1], g["key"]))]
                                 + [(r.get("range_high") or 0) if r else 0 for r in rows])
        else:
            bands[g["label"]] = ([(r.get("range_low") or 0) if r else 0 for r in rows],
                                 [(r.get("range_high") or 0) if r else 0 for r in rows])
    title = (_("Children by kind of facility: counted until %(year)s, then expected (band: range)",
               year=actual_years[-1]) if actual_years
             else _("Children by kind of facility (expected, band: range)"))
    return Markup(_charts().line_chart([str(y) for y in years], series, bands=bands, ylabel=_("Count"),
                                       title=title))


def register(admin) -> None:
    """Adds this area's views to the admin."""
    admin.add_view(StatsView(name=_l("Population statistics"), endpoint="stats", url="/admin/stats",
                             category=_l("Statistics")))
    admin.add_view(OccupancyView(name=_l("Occupancy"), endpoint="stats_occupancy",
                                 url="/admin/stats/belegung", category=_l("Statistics")))
    admin.add_view(ForecastView(name=_l("Forecast"), endpoint="stats_forecast", url="/admin/stats/prognose",
                                category=_l("Statistics")))
