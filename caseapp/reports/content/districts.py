"""The per-district part of a report: for each of the 23 districts its forecast year by year with its
range, as a small table and chart, kept together on one page.

The report's overview tables give the first and the last forecast year or today's counts for all
districts at once; a committee planning places for one district needs that district's whole course.
Today's counts shown beside the forecast are cells of a table the report already publishes (district x
age group, protected with all its margins), so they carry the same protection; forecast values follow
the forecast's rule (1 to k-1 shown as "•").
"""
from __future__ import annotations

from caseapp.reports import sparks, tables
from caseapp.reports.blocks import NoData, Part, PartsTable, Section, Text
from caseapp.reports.content import common, forecasts
from caseapp.reports.typography import number as figure


def section(inputs, *, intro: str, result, measures, chart_caption: str, lattice: dict | None = None,
            today_groups: dict[str, str] | None = None) -> Section:
    """today_groups {measure: age group label} reads today's count of that measure from `lattice`."""
    out = Section("stadtteile", "Stadtteile im Einzelnen").add(Text(intro))
    if not forecasts.has_children(result, measures):
        return out.add(NoData("Für eine Prognose sind zum Datenstand in keinem Stadtteil Kinder erfasst."))
    head = "Stichtag"  # the data date itself is named in the intro and on every page
    # Only groups the configured age groups have; a measure without one gets an empty cell, not "–".
    known = set(common.minor_labels())
    today_groups = {m: age for m, age in (today_groups or {}).items() if age in known}
    parts = []
    top = forecasts.district_top(result, measures)  # one scale for all districts: heights compare
    labels = [label for _m, label in forecasts._short(measures)]
    scale = figure(sparks.nice_top(top))
    out.add(Text(f"Alle Stadtteile sind auf derselben Skala gezeichnet (0 bis {scale}), "
                 "damit ihre Höhen vergleichbar sind. Linien: erwartete Zahl, helle Fläche: Spanne."))
    out.add(sparks.legend(labels, "Legende der Stadtteilgrafiken: " + ", ".join(
        f"{label} ({colour})" for label, colour in zip(labels, ("blaue Linie", "orange Linie"), strict=False))
        + ", Spanne als helle Fläche", band="Spanne"))
    for number, name in common.district_names().items():
        cells = lattice[("district", "age_group")] if lattice else {}
        today = {m: tables.printed(cells, (number, today_groups[m])) if m in today_groups else ""
                 for m, _label in measures}
        parts.append(Part(f"Stadtteil {name}",
                          forecasts.district_rows(result, number, measures, inputs.k, today),
                          forecasts.district_chart(result, number, measures, inputs.k,
                                                   f"{name}: {chart_caption}", top=top)))
    return out.add(
        PartsTable(
            columns=["", head] + [str(y) for y in result.years],
            parts=parts,
            widths=[forecasts.LABEL_WIDTH] + [forecasts.COLUMN_WIDTH] * (1 + len(result.years)),
        )
    )
