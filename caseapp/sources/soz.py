"""The social benefits office's snapshot (source `soz`): identifying core plus the current benefit."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db
from caseapp.fieldrules import german
from caseapp.sources.adapter import Column, SourceAdapter, core
from caseapp.sources.facts import OfficeFactMixin
from caseapp.sources.registry import register

BENEFITS = {"ASYLBLG3": "Grundleistungen § 3 AsylbLG", "ASYLBLG2": "Analogleistungen § 2 AsylbLG",
            "SGB12": "Sozialhilfe (SGB XII)", "KEINE": "keine Leistung"}
HOUSING = {"GU": "Gemeinschaftsunterkunft", "WOHNUNG": "Wohnung", "SONSTIGE": "sonstige"}


class SozFact(OfficeFactMixin, db.Model):
    """A benefit as the social benefits office knows it, from one delivery to the one that changed it."""

    __tablename__ = "soz_fact"

    benefit: Mapped[str] = mapped_column(String(10))
    benefit_from: Mapped[date | None] = mapped_column(Date)
    benefit_to: Mapped[date | None] = mapped_column(Date)
    housing: Mapped[str | None] = mapped_column(String(10))


class SozAdapter(SourceAdapter):
    code = "soz"
    label = "des Sozialamts"
    household_column = "bedarfsgemeinschaft"
    facts_model = SozFact
    columns_spec = (
        *core("soz"),
        Column("bedarfsgemeinschaft", "text", limit=32),
        Column("leistungsart", "code", required=True, fact="benefit", codes=tuple(BENEFITS)),
        Column("leistung_seit", "date", fact="benefit_from"),
        Column("leistung_bis", "date", fact="benefit_to"),
        Column("unterbringung", "code", fact="housing", codes=tuple(HOUSING)),
    )

    def check(self, fields: dict, facts: dict, values: dict, as_of: date, err) -> None:
        start, end = facts.get("benefit_from"), facts.get("benefit_to")
        if start and end and end < start:
            err(("leistung_bis", (f"Das Ende der Leistung {german(end)} liegt vor ihrem Beginn "
                                 f"{german(start)}.")))


register(SozAdapter())
