"""Ausschuss für Schule und Sport: children and young people by district and age group, the school-entry
and primary-school forecast with its range, and children living in shelters by district."""
from __future__ import annotations

from caseapp.reports import tables
from caseapp.reports.blocks import Section, Text
from caseapp.reports.compose import Content
from caseapp.reports.content import common, forecasts
from caseapp.reports.queries import minors_in_shelters


def build(inputs) -> Content:
    sections = [_young_people(inputs)]
    inputs.progress(0.35, "Prognose Einschulung und Grundschule")
    sections.append(forecasts.school_section(inputs))
    inputs.progress(0.7, "Kinder in Gemeinschaftsunterkünften")
    sections.append(_in_shelters(inputs))
    return Content(sections=sections, notes=[
        ("Kinder in Gemeinschaftsunterkünften: Minderjährige mit einer Belegung (Bett) in einer "
        "Gemeinschaftsunterkunft am Stichtag, nach dem Stadtteil der Unterkunft."),
        forecasts.METHOD_NOTE,
    ])


def _young_people(inputs) -> Section:
    section = Section("kinder-jugendliche", "Kinder und Jugendliche nach Stadtteil und Altersgruppe")
    section.add(Text("Die Altersgruppen folgen den Stufen von Kindertagesbetreuung und Schule: 0–2 Jahre "
                     "(Krippe), 3–5 Jahre (Kindergarten), 6–9 Jahre (Grundschule), 10–15 Jahre "
                     "(Sekundarstufe I) und 16–17 Jahre."))
    table, lattice = common.district_age(
        inputs, caption=f"Kinder und Jugendliche am {inputs.data_date:%d.%m.%Y} nach Stadtteil")
    section.add(table)
    if lattice:
        values = tables.printed_values(lattice[("district",)])
        section.add(common.district_map(values, "Kinder und Jugendliche je Stadtteil"))
        names = common.district_names()
        keys = [k for k in names if k in values]
        if any(values[k] for k in keys):  # a chart of nothing but suppressed bars says nothing
            section.add(common.bar_chart([names[k] for k in keys], [values[k] for k in keys],
                                         "Kinder und Jugendliche je Stadtteil (• = unterdrückt)", horizontal=True,
                                         height=max(2.0, 0.22 * len(keys) + 0.8)))
    return section


def _in_shelters(inputs) -> Section:
    section = Section("kinder-unterkuenfte", "Kinder in Gemeinschaftsunterkünften nach Stadtteil")
    table, _ = common.district_age(
        inputs, query=lambda as_of, by, filters: minors_in_shelters(as_of, by),
        caption=f"Minderjährige in Gemeinschaftsunterkünften am {inputs.data_date:%d.%m.%Y}, "
                "nach Stadtteil der Unterkunft")
    return section.add(table)
