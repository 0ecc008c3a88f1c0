"""Forecast sections: school entry and primary school (Schule und Sport), crèche and Kita (Jugendhilfe)."""
from __future__ import annotations

from caseapp.reports.blocks import Heading, NoData, Section, Table, Text
from caseapp.reports.content import common
from caseapp.reports.typography import DASH, SUPPRESSED, number

METHOD_NOTE = ("Prognose: Fortschreibung der zum Datenstand erfassten Personen nach Stadtteil, Alter und "
               "Geschlecht (Kohortenfortschreibung) mit den Zu- und Fortzügen und Geburten der letzten Jahre; "
               "Bewohnerinnen und Bewohner von Gemeinschaftsunterkünften werden gesondert fortgeschrieben und "
               "eingerechnet. Die Spanne reicht vom schwächsten zum stärksten Zuzugsjahr mit 10 % weniger bzw. "
               "mehr Geburten. Prognosewerte unter der Schutzgrenze werden wie gezählte Werte unterdrückt.")

SCHOOL = (("einschulung", "Einschulungen (Kinder im Alter von 6 Jahren)"),
          ("grundschule", "Kinder im Grundschulalter (6–9 Jahre)"))
DAYCARE = (("krippe", "Kinder im Krippenalter (0–2 Jahre)"), ("kita", "Kinder im Kindergartenalter (3–5 Jahre)"))


def school_section(inputs) -> Section:
    section = Section("prognose-schule", "Prognose: Einschulung und Grundschule")
    section.add(Text("Die Prognose schreibt die heute erfassten Kinder Jahr für Jahr fort. Sie zeigt, wie viele "
                     "Kinder in den nächsten Jahren eingeschult werden und im Grundschulalter sind, und in "
                     "welcher Spanne die Zahl voraussichtlich liegt."))
    return _forecast_blocks(section, inputs, SCHOOL)


def daycare_section(inputs) -> Section:
    section = Section("prognose-kita", "Prognose Krippe und Kindergarten")
    section.add(Text("Die Prognose zeigt, wie viele Kinder in den nächsten Jahren im Krippen- und "
                     "Kindergartenalter sein werden, als Grundlage für die Planung von Betreuungsplätzen."))
    return _forecast_blocks(section, inputs, DAYCARE)


def _forecast_blocks(section: Section, inputs, measures) -> Section:
    from caseapp.forecast.model import forecast

    result = forecast(inputs.data_date, years=6)
    totals = {(r["year"], r["group"]): r for r in result.city_totals()}
    keys = [m for m, _ in measures]
    if not any(_expected(totals[(y, m)]) for y in result.years for m in keys if (y, m) in totals):
        return section.add(NoData("Für eine Prognose sind zum Datenstand keine Kinder erfasst."))
    for measure, label in measures:
        rows = [totals[(y, measure)] for y in result.years if (y, measure) in totals]
        section.add(Heading(label))
        section.add(Table(caption="Stadt insgesamt, nach Jahr", columns=["Jahr", "erwartet", "Spanne"],
                          rows=[[str(r["year"]), _shown(_expected(r), inputs.k), _range(r, inputs.k)]
                                for r in rows]))
        if any(_expected(r) >= inputs.k for r in rows):  # else every point is suppressed
            section.add(_chart(rows, label, inputs.k))
    section.add(_by_district(result, measures, inputs))
    return section


def _chart(rows: list[dict], label: str, k: int):
    """Line of the expected values (suppressed ones left out) and, where no end of it is small, the range."""
    expected = [_expected(r) for r in rows]
    line = [None if 0 < v < k else v for v in expected]
    lows = [r["low"] + r["shelter"] for r in rows]
    highs = [r["high"] + r["shelter"] for r in rows]
    small = any(0 < v < k for v in lows + highs)
    bands = None if small else {"erwartet": (lows, highs)}
    return common.line_chart([str(r["year"]) for r in rows], {"erwartet": line}, bands=bands,
                             caption=f"{label}: erwarteter Wert" + ("" if small else " (Linie) und Spanne (Fläche)"))


def _by_district(result, measures, inputs) -> Table:
    first, last = result.years[0], result.years[-1]
    cells = {(r["district"], r["year"], r["group"]): _expected(r) for r in result.rows}
    names = common.district_names()
    columns = ["Stadtteil"] + [f"{short} {year}" for _m, short in _short(measures) for year in (first, last)]
    rows = []
    for number_, name in names.items():
        values = [cells.get((number_, year, m), 0) for m, _s in _short(measures) for year in (first, last)]
        if any(values):
            rows.append([name] + [_shown(v, inputs.k) for v in values])
    return Table(caption=f"Erwartete Zahl der Kinder je Stadtteil, {first} und {last}", columns=columns,
                 rows=rows, note="Mittlere Variante; Bewohnerinnen und Bewohner von Unterkünften eingerechnet.")


def _short(measures):
    labels = {"einschulung": "Einschulung", "grundschule": "Grundschule", "krippe": "Krippe", "kita": "Kita"}
    return [(m, labels.get(m, m)) for m, _ in measures]


def _expected(row: dict) -> int:
    return row["middle"] + row["shelter"]


def _shown(value: int, k: int):
    return SUPPRESSED if 0 < value < k else (value or None)


def _range(row: dict, k: int) -> str:
    low, high = row["low"] + row["shelter"], row["high"] + row["shelter"]
    if not high:
        return DASH
    if high < k:
        return SUPPRESSED
    if low < k:
        return f"bis {number(high)}"
    return f"{number(low)}\u2013{number(high)}"
