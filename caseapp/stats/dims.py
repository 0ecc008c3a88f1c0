"""The dimensions of the population statistics, their German names and the labels of their values."""
from __future__ import annotations

import unicodedata

from caseapp.people.codes import RESIDENCE_STATUSES, SEXES, nationality_name

# Order matters: it is the column order of tables and exports.
# The dimensions every person has (the cube, caseapp/stats/cube.py, holds exactly these).
BASE_DIMS = ("district", "age_group", "nationality", "status", "sex", "housing")
# The other offices' own facts (issue 16 item 4), valid on the day counted: dim -> (office, facts table,
# column). A person the office holds no such fact of counts as "ohne Angabe". Who may use them:
# office_dims_for() - aggregate readers protected, caseworkers of that office exactly.
OFFICE_DIMS = {
    "benefit": ("soz", "soz_fact", "benefit"),
    "measure": ("jug", "jug_fact", "measure"),
    "kita": ("jug", "jug_fact", "kita"),
    "school_form": ("sch", "sch_fact", "school_type"),
    "language_support": ("sch", "sch_fact", "language_support"),
}
DIMS = BASE_DIMS + tuple(OFFICE_DIMS)

DIM_LABELS_DE = {
    "district": "Stadtteil",
    "age_group": "Altersgruppe",
    "nationality": "Staatsangehörigkeit",
    "status": "Aufenthaltsstatus",
    "sex": "Geschlecht",
    "housing": "Wohnform",
    "benefit": "Leistungsart (Sozialamt)",
    "measure": "Maßnahme der Jugendhilfe (Jugendamt)",
    "kita": "Kita (Jugendamt)",
    "school_form": "Schulform (Schulamt)",
    "language_support": "Sprachförderung (Schulamt)",
}
NO_FACT_DE = "ohne Angabe"


def office_value_labels(dim: str) -> dict[str, str]:
    """code -> German label of an office dimension's values (the adapters' own code lists)."""
    if dim == "benefit":
        from caseapp.sources.soz import BENEFITS

        return BENEFITS
    if dim == "measure":
        from caseapp.sources.jug import MEASURES

        return MEASURES
    if dim == "kita":
        from caseapp.sources.jug import KITA

        return KITA
    if dim == "school_form":
        from caseapp.sources.sch import SCHOOL_TYPES

        return SCHOOL_TYPES
    if dim == "language_support":
        from caseapp.sources.sch import LANGUAGE_SUPPORT

        return LANGUAGE_SUPPORT
    return {}


def office_dims_for(user) -> tuple[str, ...]:
    """The office dimensions this user may count by: every one for readers of protected aggregates
    (analysts and the other aggregate roles), for a caseworker only those of their own offices (exact
    counts would otherwise hand one office's facts to another's staff)."""
    from caseapp.auth.roles import CASEWORKER, has_any

    if not has_any(user, {CASEWORKER}) or not user.office_codes:
        return tuple(OFFICE_DIMS)
    return tuple(d for d, (office, _t, _c) in OFFICE_DIMS.items() if office in user.office_codes)

# The population of a day: everyone arrived, accommodated or housed on that day.
POPULATION_STATES = ("arrived", "accommodated", "housed")

# Housing follows the lifecycle state: a shelter resident is `accommodated`, a tenant `housed`.
HOUSING_BY_STATE = {"accommodated": "shelter", "housed": "private", "arrived": "other"}
HOUSING_LABELS_DE = {"shelter": "Gemeinschaftsunterkunft", "private": "Wohnung", "other": "sonstige"}

UNKNOWN_DE = "unbekannt"


class DimensionError(ValueError):
    """An unknown dimension or filter value; the message is German and names it."""


def parse_dims(value) -> tuple[str, ...]:
    """'district,age_group' or a sequence -> a tuple of known dims without duplicates."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    dims: list[str] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if part not in DIMS:
            raise DimensionError(
                f"Unbekannte Dimension '{part}'; erlaubt sind: {', '.join(DIMS)}"
            )
        if part not in dims:
            dims.append(part)
    return tuple(dims)


def value_label(dim: str, value, district_names: dict | None = None) -> str:
    """The German label of one value of a dimension (district names passed in to avoid a query)."""
    if value is None:
        return NO_FACT_DE if dim in OFFICE_DIMS else UNKNOWN_DE
    if dim == "district":
        name = (district_names or {}).get(value)
        return f"{value} {name}" if name else str(value)
    if dim == "nationality":
        return nationality_name(value)
    if dim == "status":
        return RESIDENCE_STATUSES.get(value, value)
    if dim == "sex":
        return SEXES.get(value, value)
    if dim == "housing":
        return HOUSING_LABELS_DE.get(value, value)
    if dim in OFFICE_DIMS:
        return office_value_labels(dim).get(value, str(value))
    return str(value)


def german_text_key(text: str) -> str:
    """A sort key that files umlauts with their base letter (Ägypten under A, not after Z)."""
    text = text.replace("ß", "ss").replace("ẞ", "SS")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def value_sort_key(dim: str, groups=None):
    """key(value) for the rows or columns of a table by `dim`, as a reader expects them: age groups in
    their configured order, nationalities by German name, codes in their list's order, unknown last."""
    if dim == "age_group":
        from caseapp.stats.agegroups import configured_groups

        order = {g.label: i for i, g in enumerate(groups or configured_groups())}
        return lambda v: (v is None, order.get(v, len(order)), "" if v is None else str(v))
    if dim == "nationality":
        return lambda v: (v is None, 0, "" if v is None else german_text_key(nationality_name(v)))
    codes = {"sex": SEXES, "status": RESIDENCE_STATUSES, "housing": HOUSING_LABELS_DE}.get(dim) \
        or office_value_labels(dim)
    order = {code: i for i, code in enumerate(codes)}
    return lambda v: (v is None, order.get(v, len(order)), "" if v is None else str(v))
