"""The youth welfare office's snapshot (source `jug`): identifying core plus measure, guardianship, Kita."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db
from caseapp.fieldrules import german
from caseapp.sources.adapter import Column, SourceAdapter, core
from caseapp.sources.facts import OfficeFactMixin
from caseapp.sources.registry import register

MEASURES = {"INOBHUT": "vorläufige Inobhutnahme (§ 42a SGB VIII)", "UMA_HILFE": "Jugendhilfe für UMA",
            "HZE": "Hilfe zur Erziehung", "KEINE": "keine Maßnahme"}
GUARDIANSHIPS = {"AMT": "Amtsvormundschaft", "PRIVAT": "private Vormundschaft"}
KITA = {"BETREUT": "hat einen Kita-Platz", "WARTEND": "wartet auf einen Kita-Platz"}


class JugFact(OfficeFactMixin, db.Model):
    """A youth-welfare measure, guardianship and Kita status, from one delivery to the one that changed it."""

    __tablename__ = "jug_fact"

    measure: Mapped[str] = mapped_column(String(10))
    measure_from: Mapped[date | None] = mapped_column(Date)
    measure_to: Mapped[date | None] = mapped_column(Date)
    guardianship: Mapped[str | None] = mapped_column(String(10))
    kita: Mapped[str | None] = mapped_column(String(10))
    kita_since: Mapped[date | None] = mapped_column(Date)
    kita_district: Mapped[str | None] = mapped_column(String(2))


class JugAdapter(SourceAdapter):
    code = "jug"
    label = "des Jugendamts"
    facts_model = JugFact
    columns_spec = (
        *core("jug"),
        Column("massnahme", "code", required=True, fact="measure", codes=tuple(MEASURES)),
        Column("massnahme_seit", "date", fact="measure_from"),
        Column("massnahme_bis", "date", fact="measure_to"),
        Column("vormundschaft", "code", fact="guardianship", codes=tuple(GUARDIANSHIPS)),
        Column("kita", "code", fact="kita", codes=tuple(KITA)),
        Column("kita_seit", "date", fact="kita_since"),
        Column("kita_stadtteil", "district", fact="kita_district"),
    )

    def check(self, fields: dict, facts: dict, values: dict, as_of: date, err) -> None:
        start, end = facts.get("measure_from"), facts.get("measure_to")
        if start and end and end < start:
            err(("massnahme_bis", (f"Das Ende der Maßnahme {german(end)} liegt vor ihrem Beginn "
                                  f"{german(start)}.")))


register(JugAdapter())
