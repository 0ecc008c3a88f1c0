"""The statistics pages' words in the reader's language: dimensions, their values, movements, forecast groups.

caseapp/stats and caseapp/forecast keep their German labels (the API and the committee PDFs, German
documents, use them); the admin pages show these msgids instead, whose German in messages.po is the same
text. Office facts' values (the adapters' code lists) and district names stay as delivered.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseapp.admin.i18n import code_label
from caseapp.stats.dims import OFFICE_DIMS, value_label

DIM_LABELS = {
    "district": _l("District"),
    "age_group": _l("Age group"),
    "nationality": _l("Nationality"),
    "status": _l("Residence status"),
    "sex": _l("Sex"),
    "housing": _l("Form of housing"),
    "benefit": _l("Kind of benefit (social welfare office)"),
    "measure": _l("Youth welfare measure (youth welfare office)"),
    "kita": _l("Kita (youth welfare office)"),
    "school_form": _l("School type (school office)"),
    "language_support": _l("Language support (school office)"),
}
HOUSING_LABELS = {"shelter": _l("Communal shelter"), "private": _l("Flat"), "other": _l("other")}
MOVEMENT_LABELS = {
    "arrivals": _l("Moves to the city"),
    "departures": _l("Moves away"),
    "shelter_in": _l("Admissions to shelters"),
    "shelter_out": _l("Exits from shelters"),
}
GROUP_LABELS = {
    "krippe": _l("Crèche (0–2)"),
    "kita": _l("Kindergarten (3–5)"),
    "einschulung": _l("School entry (6)"),
    "grundschule": _l("Primary school (6–9)"),
    "sek1": _l("Lower secondary (10–15)"),
}


def value_text(dim: str, value, district_names: dict | None = None) -> str:
    """The label of one value of a dimension (stats.dims.value_label, in the reader's language)."""
    if value is None:
        return _("not stated") if dim in OFFICE_DIMS else _("unknown")
    if dim == "nationality":
        return code_label("nationality", value)
    if dim == "status":
        return code_label("residence_status", value)
    if dim == "sex":
        return code_label("sex", value)
    if dim == "housing":
        return str(HOUSING_LABELS.get(value, value))
    return value_label(dim, value, district_names)


def population_note(k: int) -> str:
    """How protected population figures are to be read (stats.publish.population_note)."""
    return _("All figures are changed at random by a few units to protect individuals (cell-key method); "
             "1 to %(km1)s persons appear as %(k)s to %(kp2)s. Totals may therefore differ from the sum of "
             "their parts.", km1=k - 1, k=k, kp2=k + 2)


def suppression_note(k: int) -> str:
    """The forecast's suppression (forecast.service: 'suppression')."""
    return _("Estimates from 1 to %(km1)s are suppressed (empty).", km1=k - 1)


def period_text(key: str) -> str:
    """A period key as people read it: '2026-W47' -> 'KW 47/2026' (German), '2026-11' -> '11/2026'."""
    year, _sep, rest = key.partition("-")
    if rest.startswith("W"):
        return _("CW %(week)s/%(year)s", week=int(rest[1:]), year=year)
    return f"{rest}/{year}" if rest else key
