"""Assembles the template context of one committee report: its sections plus title and method data."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import current_app

from caseapp.reports import definitions, keyfigures
from caseapp.reports.blocks import Section
from caseapp.reports.periods import Period
from caseapp.stats.publish import SUPPRESSED

AGE_NOTE = ("Das Alter wird zum Datenstand berechnet. Ist nur das Geburtsjahr oder der Geburtsmonat bekannt, "
            "wird die Mitte des möglichen Zeitraums angenommen (1. Juli bzw. 15. des Monats).")
POPULATION_NOTE = ("Nur die in der Migrationsdatenbank erfassten Geflüchteten und Zugewanderten, die zum "
                   "Stichtag in der Stadt sind (angekommen, in einer Gemeinschaftsunterkunft oder in einer "
                   "Wohnung), nicht die gesamte Einwohnerschaft; Näheres unter „Begriffe und Quellen“.")


@dataclass
class ReportInputs:
    """What a content builder gets: the period, the day the figures describe and the suppression threshold."""

    period: Period
    data_date: date
    k: int
    progress: Callable[[float, str], None] = lambda fraction, text: None


@dataclass
class Content:
    sections: list[Section]
    notes: list[str] = field(default_factory=list)
    population: str = POPULATION_NOTE


def compose(
    committee, period: Period, data_date: date, *, progress=None, created: date | None = None
) -> dict:
    k = int(current_app.config["CASEAPP_SUPPRESSION_K"])
    inputs = ReportInputs(period, data_date, k, progress or (lambda fraction, text: None))
    content: Content = committee.builder()(inputs)
    return {
        "committee": committee,
        "period": period,
        "data_date": data_date,
        "created": created or date.today(),
        # page 1: "Das Wichtigste"; before the method notes: "Begriffe und Quellen"
        "sections": [keyfigures.section(inputs), *content.sections, definitions.section(inputs)],
        "method": {"population": content.population, "age": AGE_NOTE, "notes": content.notes},
        "k": k,
        "marker": SUPPRESSED,
        # A period not over when the figures are read (its last day included): provisional ("vorläufig").
        "provisional": (created or date.today()) <= period.end,
    }
