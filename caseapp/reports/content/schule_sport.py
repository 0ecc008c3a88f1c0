"""Ausschuss für Schule und Sport: children and young people by district and age group, the school-entry
and primary-school forecast with its range, children living in shelters by district, and each district's
own page part (its children by age group, its forecast with range)."""
from __future__ import annotations

from caseapp.reports import tables
from caseapp.reports.blocks import Section, Text
from caseapp.reports.compose import Content
from caseapp.reports.content import common, districts, forecasts
from caseapp.reports.queries import minors_in_shelters


def build(inputs) -> Content:
    result = forecasts.run(inputs)  # first: its base counts are also the first table's figures
    young, young_lattice = _young_people(inputs)
    inputs.progress(0.35, "Prognose Einschulung und Grundschule")
    sections = [young, forecasts.school_section(inputs, result)]
    inputs.progress(0.6, "Kinder in Gemeinschaftsunterkünften")
    sections.append(_in_shelters(inputs))
    inputs.progress(0.7, "Angaben des Schulamts: Sprachförderung")
    sections.append(common.office_facts(
        inputs, dim="language_support", values=["SLK", "DAZ"], section_id="sprachfoerderung",
        title="Bedarf an Sprachlernklassen und Sprachförderung (Angaben des Schulamts)",
        intro=("Schülerinnen und Schüler, die laut Schulamt zum Datenstand eine Sprachlernklasse besuchen "
               "oder Förderung in Deutsch als Zweitsprache erhalten, nach dem Stadtteil ihrer Anschrift: "
               "der Bedarf, für den Sprachlernklassen und Förderstunden zu planen sind."),
        caption=f"Sprachlernklasse und DaZ-Förderung am {inputs.data_date:%d.%m.%Y} nach Stadtteil",
        empty="Zum Datenstand meldet das Schulamt keine Sprachförderung (oder es hat noch nicht geliefert)."))
    inputs.progress(0.75, "Stadtteile im Einzelnen")
    sections.append(districts.section(
        inputs, result=result, measures=forecasts.SCHOOL,
        intro=("Für jeden Stadtteil die erwarteten Einschulungen und Kinder im Grundschulalter Jahr für "
               "Jahr, in Klammern die Spanne von der schwächsten zur stärksten Variante, in der Spalte "
               f"„Stichtag“ die Kinder im Grundschulalter am {inputs.data_date:%d.%m.%Y} (dieselbe Zahl wie "
               "in der Tabelle des ersten Abschnitts). Die "
               "Grafik unter jeder Tabelle zeigt jedes Jahr unter seiner Spalte: blau die Einschulungen, "
               "orange die Kinder im Grundschulalter, als Fläche die Spanne; die Zahl links oben ist der "
               "höchste Wert der Skala, die untere Linie steht für null."),
        lattice=young_lattice, today_groups={"grundschule": "6-9"},
        chart_caption="Einschulungen und Kinder im Grundschulalter, erwartet (Linien) und Spanne (Flächen)"))
    return Content(sections=sections, notes=[
        ("Kinder in Gemeinschaftsunterkünften: Minderjährige mit einer Belegung (Bett) in einer "
        "Gemeinschaftsunterkunft am Stichtag, nach dem Stadtteil der Unterkunft."),
        forecasts.METHOD_NOTE,
    ])


def _young_people(inputs) -> tuple[Section, dict | None]:
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
    return section, lattice


def _in_shelters(inputs) -> Section:
    section = Section("kinder-unterkuenfte", "Kinder in Gemeinschaftsunterkünften nach Stadtteil")
    table, _ = common.district_age(
        inputs, query=lambda as_of, by, filters: minors_in_shelters(as_of, by),
        caption=f"Minderjährige in Gemeinschaftsunterkünften am {inputs.data_date:%d.%m.%Y}, "
                "nach Stadtteil der Unterkunft")
    return section.add(table)
