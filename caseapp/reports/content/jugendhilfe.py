"""Jugendhilfeausschuss: minors by age group and district, minors without an adult at home, the crèche
and Kita forecast for the city and for each district with today's counts beside it."""
from __future__ import annotations

from caseapp.reports import sparks, tables
from caseapp.reports.blocks import Heading, NoData, Section, Text
from caseapp.reports.compose import Content
from caseapp.reports.content import common, districts, forecasts
from caseapp.reports.queries import minors_without_adult
from caseapp.stats.publish import SUPPRESSED


def build(inputs) -> Content:
    result = forecasts.run(inputs)  # first: its base counts are also the first table's figures
    minors, lattice = _minors(inputs)
    sections = [minors]
    inputs.progress(0.3, "Minderjährige ohne Erwachsene im Haushalt")
    sections.append(_unaccompanied(inputs))
    inputs.progress(0.4, "Angaben des Jugendamts: UMA und Kita-Wartelisten")
    sections.append(common.office_facts(
        inputs, dim="measure", values=["INOBHUT", "UMA_HILFE"], section_id="uma",
        title="Unbegleitete Minderjährige in der Jugendhilfe (Angaben des Jugendamts)",
        intro=("Personen, für die das Jugendamt zum Datenstand eine vorläufige Inobhutnahme (§ 42a SGB VIII) "
               "oder Jugendhilfe für unbegleitete Minderjährige und junge Volljährige meldet, nach dem "
               "Stadtteil ihrer Anschrift."),
        caption=f"Unbegleitete Minderjährige am {inputs.data_date:%d.%m.%Y} nach Stadtteil und Maßnahme",
        empty=("Zum Datenstand meldet das Jugendamt keine solche Maßnahme (oder es hat noch nicht "
               "geliefert).")))
    sections.append(common.office_facts(
        inputs, dim="kita", values=["WARTEND", "BETREUT"], section_id="kita-warteliste",
        title="Kita: betreute und wartende Kinder (Angaben des Jugendamts)",
        intro=("Kinder, die laut Jugendamt zum Datenstand einen Kita-Platz haben oder auf der Warteliste "
               "stehen, nach dem Stadtteil ihrer Anschrift; die Warteliste zeigt, wo Plätze fehlen."),
        caption=f"Kinder auf der Kita-Warteliste und mit Kita-Platz am {inputs.data_date:%d.%m.%Y}",
        empty="Zum Datenstand meldet das Jugendamt keine Kita-Angaben (oder es hat noch nicht geliefert)."))
    inputs.progress(0.55, "Prognose Krippe und Kindergarten")
    sections.append(forecasts.daycare_section(inputs, result))
    inputs.progress(0.75, "Stadtteile im Einzelnen")
    sections.append(districts.section(
        inputs, result=result, measures=forecasts.DAYCARE,
        intro=("Für jeden Stadtteil die erwartete Zahl der Kinder im Krippen- und im Kindergartenalter Jahr "
               "für Jahr, in Klammern die Spanne von der schwächsten zur stärksten Variante, in der Spalte "
               f"„Stichtag“ die Kinder am {inputs.data_date:%d.%m.%Y} (dieselben Zahlen wie in der Tabelle "
               "des ersten Abschnitts). Die Grafik unter "
               "jeder Tabelle zeigt jedes Jahr unter seiner Spalte: blau das Krippenalter, orange das "
               "Kindergartenalter, als Fläche die Spanne; die Zahl links oben ist der höchste Wert der "
               "Skala, die untere Linie steht für null."),
        lattice=lattice, today_groups={"krippe": "0-2", "kita": "3-5"},
        chart_caption="Kinder im Krippen- und im Kindergartenalter, erwartet (Linien) und Spanne (Flächen)"))
    return Content(sections=sections, notes=[
        ("Minderjährige ohne Erwachsene im Haushalt: Personen unter 18 Jahren, denen kein Haushalt "
        "zugeordnet ist oder in deren Haushalt keine volljährige Person der Grundgesamtheit lebt. Die Zahl "
        "ist ein Hinweis auf unbegleitete Minderjährige, ersetzt aber nicht die Fallzahlen des Jugendamts."),
        forecasts.METHOD_NOTE,
    ])


def _minors(inputs) -> tuple[Section, dict | None]:
    section = Section("minderjaehrige", "Minderjährige nach Altersgruppe und Stadtteil")
    table, lattice = common.district_age(
        inputs, caption=f"Minderjährige am {inputs.data_date:%d.%m.%Y} nach Stadtteil und Altersgruppe")
    section.add(table)
    if lattice:
        values = tables.printed_values(lattice[("district",)])
        section.add(common.district_map(values, "Minderjährige je Stadtteil"))
        ages = tables.printed_values(lattice[("age_group",)])
        labels = common.minor_labels()
        section.add(sparks.bar_chart([tables.age_label(a) for a in labels], [ages.get(a, 0) for a in labels],
                                     f"Minderjährige nach Altersgruppe ({SUPPRESSED} = unterdrückt)"))
    return section, lattice


def _unaccompanied(inputs) -> Section:
    section = Section("ohne-erwachsene", "Minderjährige ohne Erwachsene im Haushalt")
    section.add(Text("Die Tabelle zählt Minderjährige, in deren Haushalt zum Datenstand keine volljährige "
                     "Person lebt. Sie zeigt, in welchen Stadtteilen besondere Unterstützung durch die "
                     "Jugendhilfe nötig sein kann."))

    def query(as_of, by, filters):
        return minors_without_adult(as_of, by)

    table, _ = common.district_age(inputs, query=query,
                                   caption="Minderjährige ohne Erwachsene im Haushalt nach Stadtteil")
    if isinstance(table, NoData):
        table = NoData("Zum Datenstand ist keine minderjährige Person ohne Erwachsene im Haushalt erfasst.")
    section.add(Heading("Nach Stadtteil und Altersgruppe"), table)
    return section
