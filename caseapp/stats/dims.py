"""The dimensions of the population statistics, their German names and the labels of their values."""
from __future__ import annotations

import unicodedata

from caseapp.people.codes import RESIDENCE_STATUSES, SEXES, nationality_name

# Order matters: it is the column order of tables and exports.
DIMS = ("district", "age_group", "nationality", "status", "sex", "housing")

DIM_LABELS_DE = {
    "district": "Stadtteil",
    "age_group": "Altersgruppe",
    "nationality": "Staatsangehörigkeit",
    "status": "Aufenthaltsstatus",
    "sex": "Geschlecht",
    "housing": "Wohnform",
}

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
        return UNKNOWN_DE
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
    codes = {"sex": SEXES, "status": RESIDENCE_STATUSES, "housing": HOUSING_LABELS_DE}.get(dim, {})
    order = {code: i for i, code in enumerate(codes)}
    return lambda v: (v is None, order.get(v, len(order)), "" if v is None else str(v))
