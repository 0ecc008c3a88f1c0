"""Pieces several committee reports share: district names, protected district x age tables, charts, map."""
from __future__ import annotations

from sqlalchemy import select

from caseapp.districts.models import District
from caseapp.extensions import db
from caseapp.reports import tables
from caseapp.reports.blocks import Chart, NoData
from caseapp.stats import agegroups
from caseapp.stats.publish import population_tables

UNKNOWN_DISTRICT = "Stadtteil unbekannt"


def district_names() -> dict[str, str]:
    """'07' -> '07 Schinkel' for every district, in number order."""
    return {
        d.number: f"{d.number} {d.name}"
        for d in db.session.scalars(select(District).order_by(District.number))
    }


def minor_labels() -> list[str]:
    return tables.minor_groups(agegroups.configured_groups())


def district_age(inputs, *, caption: str, filters: dict | None = None, query=None, note: str | None = None):
    """(Table or NoData, protected lattice) of minors by district and age group on the data date.

    The population itself is published by the cell-key method (publish.population_tables); a `query`
    of other counts (minors without an adult, in shelters) has no record keys and is suppressed.
    """
    filters = {"age_group": minor_labels(), **(filters or {})}
    dims = ("district", "age_group")
    if query is None:
        lattice = population_tables(inputs.data_date, dims, filters=filters, k=inputs.k, interactive=False)
        if not lattice[()]:
            return NoData(f"Zum Datenstand {inputs.data_date:%d.%m.%Y} ist kein Fall erfasst."), None
    else:
        rows = query(inputs.data_date, dims, filters=filters)
        if not rows:
            return NoData(f"Zum Datenstand {inputs.data_date:%d.%m.%Y} ist kein Fall erfasst."), None
        lattice = tables.protected_lattice(rows, dims, inputs.k)
    names = district_names()
    present = {key[0] for key in lattice[("district",)]}
    row_keys = [n for n in names if n in present] + ([None] if None in present else [])
    table = tables.crosstab(
        lattice, row_dim="district", col_dim="age_group", row_keys=row_keys, col_keys=filters["age_group"],
        row_names={**names, None: UNKNOWN_DISTRICT}, caption=caption, row_head="Stadtteil", note=note,
    )
    return table, lattice


def district_map(values: dict, caption: str, *, shelters=(), legend_label: str = "Personen") -> Chart:
    """The insight issue's district map (real boundaries once stored, else the schematic layout)."""
    from caseapp.charts.districtmap import district_map as draw

    districts = db.session.scalars(select(District).order_by(District.number)).all()
    geometries = {d.number: d.geometry for d in districts if d.geometry}
    svg = draw({k: v for k, v in values.items() if k is not None}, shelters, legend_label=legend_label,
               names={d.number: d.name for d in districts}, geometries=geometries or None)
    return Chart.from_svg(svg, caption)


def bar_chart(labels: list[str], values: list, caption: str, **kwargs) -> Chart:
    from caseapp.charts.basic import bar_chart as draw

    return Chart.from_svg(draw(labels, values, **kwargs), caption)


def line_chart(*args, caption: str, **kwargs) -> Chart:
    from caseapp.charts.basic import line_chart as draw

    return Chart.from_svg(draw(*args, **kwargs), caption)


def office_facts(inputs, *, dim: str, values: list[str], caption: str, intro: str, empty: str,
                 section_id: str, title: str):
    """A section of one office's own facts (issue 16 item 4) by district, as protected as every other
    figure of the report (cell-key, publish.population_tables): persons of the population whose fact
    `dim` on the data date is one of `values`, one column per value. Only aggregates leave the office;
    no report prints a person."""
    from caseapp.reports.blocks import Section, Text
    from caseapp.stats.dims import office_value_labels

    section = Section(section_id, title)
    section.add(Text(intro))
    dims = ("district", dim)
    lattice = population_tables(inputs.data_date, dims, filters={dim: values}, k=inputs.k, interactive=False)
    if not lattice[()]:
        section.add(NoData(empty))
        return section
    names = district_names()
    present = {key[0] for key in lattice[("district",)]}
    row_keys = [n for n in names if n in present] + ([None] if None in present else [])
    labels = office_value_labels(dim)
    table = tables.crosstab(lattice, row_dim="district", col_dim=dim, row_keys=row_keys, col_keys=values,
                            row_names={**names, None: UNKNOWN_DISTRICT}, caption=caption,
                            row_head="Stadtteil")
    table.columns = [table.columns[0], *[labels.get(v, v) for v in values], table.columns[-1]]
    section.add(table)
    return section
