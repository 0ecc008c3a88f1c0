"""Forecast sections: school entry and primary school (Schule und Sport), crèche and Kita (Jugendhilfe)."""
from __future__ import annotations

from caseapp.reports import sparks
from caseapp.reports.blocks import Heading, NoData, Section, Table, Text
from caseapp.reports.typography import DASH, number
from caseapp.stats.publish import SUPPRESSED, small_hidden

METHOD_NOTE = ("Prognose: Fortschreibung der zum Datenstand erfassten Personen nach Stadtteil, Alter und "
               "Geschlecht (Kohortenfortschreibung) mit den Zu- und Fortzügen und Geburten der letzten "
               "Jahre, nach den gesetzlichen Stichtagen: Krippe und Kindergarten nach dem Alter am 1. August "
               "(Beginn des Kita-Jahres), Einschulung und Grundschule nach dem Alter am 30. September. "
               "Bewohnerinnen und Bewohner von Gemeinschaftsunterkünften werden gesondert fortgeschrieben "
               "und eingerechnet. Die Spanne ist der erwartete Wert plus/minus den Fehler, den das Modell "
               "bei der Rückrechnung vergangener Schuljahre aus früheren Daten je Prognosehorizont "
               "tatsächlich gemacht hat (mindestens 2 % für die Stadt und 5 % für einen Stadtteil je Jahr, "
               "mindestens die Spanne vom schwächsten zum stärksten Zuzugsjahr mit 10 % weniger bzw. mehr "
               "Geburten); die Prognoseseite zeigt dieselben Zahlen. Gezählte Werte sind veröffentlichte "
               "Zahlen (Cell-Key-Verfahren). Prognosewerte unter der Schutzgrenze werden wie gezählte Werte "
               "unterdrückt.")

SCHOOL = (("einschulung", "Einschulungen (Kinder im Alter von 6 Jahren)"),
          ("grundschule", "Kinder im Grundschulalter (6–9 Jahre)"))
DAYCARE = (("krippe", "Kinder im Krippenalter (0–2 Jahre)"),
           ("kita", "Kinder im Kindergartenalter (3–5 Jahre)"))


def run(inputs):
    """The forecast of the report's data date (cached per data version: a second report reuses it), each
    row with its range from the stored evaluation, as on the forecast page (caseapp/forecast/service.py)."""
    from caseapp.forecast.evaluation import with_ranges
    from caseapp.forecast.model import forecast
    from caseapp.forecast.service import ranged

    result = forecast(inputs.data_date, years=6)
    _rows, _totals, stored = ranged(result)
    result.evaluation = stored
    result.widths = stored.result.get("widths", {}) if stored else {}
    with_ranges(result.rows, result.widths, city=False)
    return result


def city_totals(result) -> list[dict]:
    """The city's totals per year and group with the city's range (a city total's error is smaller than
    a district's)."""
    from caseapp.forecast.evaluation import with_ranges

    totals = result.city_totals()
    with_ranges(totals, result.widths, city=True)
    return totals


def actual_rows(result, measure: str, k: int) -> list[tuple[int, object]]:
    """(school year, published count on its cut-off day) of the last school years for one group."""
    from caseapp.forecast.data import base_year
    from caseapp.forecast.service import actual_series

    return [(a["year"], a["actual"]) for a in actual_series(result.evaluation, None, k,
                                                            up_to=base_year(result.base_date))
            if a["group"] == measure]


def population_query(result):
    """A query for common.district_age that sums the forecast's base counts (everyone on the data date
    by district, single year of age, sex and housing) into age groups: the same rows as
    caseapp.stats.queries.population(day, ("district", "age_group"), filters=filters), without reading
    the history a second time. Groups beyond the forecast's single years fall back to the query."""
    from caseapp.forecast.data import MAX_AGE
    from caseapp.stats import agegroups
    from caseapp.stats.queries import population, sort_rows

    def query(as_of, by, filters=None):
        groups = agegroups.configured_groups()
        wanted = set((filters or {}).get("age_group") or [g.label for g in groups])
        chosen = [g for g in groups if g.label in wanted]
        if tuple(by) != ("district", "age_group") or set(filters or {}) - {"age_group"} or \
                any(g.upper is None or g.upper >= MAX_AGE for g in chosen) or as_of != result.base_date:
            return population(as_of, by, filters=filters)
        label = {age: g.label for g in chosen for age in range(g.lower, g.upper + 1)}
        cells: dict = {}
        for (district, age, _sex, _housing), n in result.base.population.items():
            if age in label:
                cells[(district, label[age])] = cells.get((district, label[age]), 0) + n
        rows = [{"district": d, "age_group": a, "count": n} for (d, a), n in cells.items()]
        return sort_rows(rows, ("district", "age_group"), groups)

    return query


def school_section(inputs, result) -> Section:
    section = Section("prognose-schule", "Prognose: Einschulung und Grundschule")
    section.add(Text("Die Prognose schreibt die heute erfassten Kinder Jahr für Jahr fort. Sie zeigt, wie "
                     "viele Kinder in den nächsten Jahren eingeschult werden und im Grundschulalter sind, "
                     "und in welcher Spanne die Zahl voraussichtlich liegt."))
    return _forecast_blocks(section, inputs, SCHOOL, result)


def daycare_section(inputs, result) -> Section:
    section = Section("prognose-kita", "Prognose Krippe und Kindergarten")
    section.add(Text("Die Prognose zeigt, wie viele Kinder in den nächsten Jahren im Krippen- und "
                     "Kindergartenalter sein werden, als Grundlage für die Planung von Betreuungsplätzen."))
    return _forecast_blocks(section, inputs, DAYCARE, result)


def has_children(result, measures) -> bool:
    return any(_expected(r) for r in result.rows if r["group"] in {m for m, _ in measures})


def _forecast_blocks(section: Section, inputs, measures, result) -> Section:
    totals = {(r["year"], r["group"]): r for r in city_totals(result)}
    keys = [m for m, _ in measures]
    if not any(_expected(totals[(y, m)]) for y in result.years for m in keys if (y, m) in totals):
        return section.add(NoData("Für eine Prognose sind zum Datenstand keine Kinder erfasst."))
    for measure, label in measures:
        rows = [totals[(y, measure)] for y in result.years if (y, measure) in totals]
        section.add(Heading(label))
        counted = actual_rows(result, measure, inputs.k)
        flexi = "" if measure != "einschulung" else (
            "Von den erwarteten Einschulungen sind die Flexi-Kinder (6. Geburtstag vom 1. Juli bis "
            "30. September) auf Antrag der Eltern ein Jahr später schulpflichtig; ihre Zahl steht in "
            "Klammern.")
        section.add(Table(
            caption=f"Stadt insgesamt, nach Schuljahr ({_cutoff_words(measure)}): gezählt, dann erwartet",
            columns=["Schuljahr", "gezählt", "erwartet", "Spanne"],
            rows=[[_school_year(y), SUPPRESSED if v is None else number(v), "", ""] for y, v in counted]
            + [[_school_year(r["year"]), "", _shown_flexi(r, inputs.k), _range(r, inputs.k)] for r in rows]))
        if flexi:
            section.add(Text(flexi))
        if any(_expected(r) >= inputs.k for r in rows):  # else every point is suppressed
            section.add(_chart(rows, label, inputs.k, counted))
    return section


def _chart(rows: list[dict], label: str, k: int, counted: list | None = None):
    """The counted values of the last school years, then the expected values (suppressed ones left out)
    and, where no end of it is small, the range; one scale for both."""
    counted = counted or []
    expected = [_expected(r) for r in rows]
    line = [None] * len(counted) + [None if 0 < v < k else v for v in expected]
    seen = [v for _y, v in counted] + [None] * len(rows)
    lows = [_low(r) for r in rows]
    highs = [_high(r) for r in rows]
    small = any(0 < v < k for v in lows + highs)
    bands = None if small else {"erwartet": ([None] * len(counted) + lows, [None] * len(counted) + highs)}
    n = len(counted) + len(rows)
    positions = [0.16 + 0.8 * i / max(n - 1, 1) for i in range(n)]
    years = [y for y, _v in counted] + [r["year"] for r in rows]
    series = {"gezählt": seen, "erwartet": line} if counted else {"erwartet": line}
    return sparks.line_chart(positions, series, bands=bands, legend=bool(counted), show_caption=True,
                             x_labels={i: str(y) for i, y in enumerate(years)},
                             caption=f"{label}: " + ("gezählte Werte der letzten Schuljahre, dann " if counted
                                                     else "") + "erwarteter Wert"
                             + ("" if small else " (Linie) und Spanne (Fläche)"))


def _school_year(year: int) -> str:
    return f"{year}/{str(year + 1)[2:]}"


def _cutoff_words(measure: str) -> str:
    return "Alter am 1. August" if measure in ("krippe", "kita") else "Alter am 30. September"


def _low(row: dict) -> int:
    return row["range_low"] if row.get("range_low") is not None else row["low"] + row["shelter"]


def _high(row: dict) -> int:
    return row["range_high"] if row.get("range_high") is not None else row["high"] + row["shelter"]


def _shown_flexi(row: dict, k: int):
    shown = _shown(_expected(row), k)
    flexi = small_hidden(row.get("flexi"), k)
    if row.get("flexi") and shown not in (None, SUPPRESSED):
        return f"{number(shown)} ({SUPPRESSED if flexi is None else number(flexi)})"
    return shown


def _short(measures):
    labels = {"einschulung": "Einschulung", "grundschule": "Grundschule", "krippe": "Krippe", "kita": "Kita"}
    return [(m, labels.get(m, m)) for m, _ in measures]


def _expected(row: dict) -> int:
    return row["middle"] + row["shelter"]


def _shown(value: int, k: int):
    return SUPPRESSED if small_hidden(value, k) is None else (value or None)


def _range(row: dict, k: int) -> str:
    low, high = _low(row), _high(row)
    if not high:
        return DASH
    if high < k:
        return SUPPRESSED
    if low < k:
        return f"bis {number(high)}"
    if low == high:
        return number(high)
    return f"{number(low)}\u2013{number(high)}"


# A district's forecast table: label, today's count, then one column per year; its chart below puts
# each year's value under the centre of that year's column.
LABEL_WIDTH, COLUMN_WIDTH = 16, 12


def district_rows(result, district: str, measures, k: int, today: dict) -> list[list]:
    """One district's forecast, a row per measure and a column per year, each cell the expected number
    with its range in brackets, after today's protected count (`today` {measure: count or ""})."""
    cells = {(r["year"], r["group"]): r for r in result.rows if r["district"] == district}
    return [[label, today.get(m, "")] + [_with_range(cells[(y, m)], k) if (y, m) in cells else None
                                         for y in result.years] for m, label in _short(measures)]


def _with_range(row: dict, k: int) -> str:
    shown, span = _shown(_expected(row), k), _range(row, k)
    if shown is None and span == DASH:
        return DASH
    if shown == SUPPRESSED:
        return SUPPRESSED
    if span == number(shown):
        return span  # no spread: "32", not "32 (32–32)"
    return f"{number(shown)} ({span})"


def district_top(result, measures) -> int:
    """The highest value any district's chart of these measures draws: one scale for all of them."""
    keys = {m for m, _label in measures}
    return max((_high(r) for r in result.rows if r["group"] in keys and r["district"]), default=0)


def district_chart(result, district: str, measures, k: int, caption: str, top: int | None = None):
    """Expected values as lines with their range as bands, each year under its table column; values
    and band ends under the protection limit are left out; `top`: the scale shared by all districts."""
    cells = {(r["year"], r["group"]): r for r in result.rows if r["district"] == district}
    series, bands = {}, {}
    for m, label in _short(measures):
        rows = [cells.get((y, m)) for y in result.years]
        series[label] = [None if r is None or 0 < _expected(r) < k else _expected(r) for r in rows]
        lows = [None if r is None else _low(r) for r in rows]
        highs = [None if r is None else _high(r) for r in rows]
        keep = [lo is not None and hi is not None and not 0 < lo < k and not 0 < hi < k
                for lo, hi in zip(lows, highs, strict=True)]
        bands[label] = ([lo if ok else None for lo, ok in zip(lows, keep, strict=True)],
                        [hi if ok else None for hi, ok in zip(highs, keep, strict=True)])
    start = (LABEL_WIDTH + COLUMN_WIDTH) / 100
    positions = [start + COLUMN_WIDTH / 100 * (i + 0.5) for i in range(len(result.years))]
    return sparks.line_chart(positions, series, caption, bands=bands, top=top)
