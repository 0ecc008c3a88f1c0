"""The school office's snapshot (source `sch`, XLSX): identifying core plus school and language support."""
from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db
from caseapp.sources import xlsxfile
from caseapp.sources.adapter import Column, SourceAdapter, core
from caseapp.sources.facts import OfficeFactMixin
from caseapp.sources.registry import ReadFile, register

SCHOOL_TYPES = {"GS": "Grundschule", "OBS": "Oberschule", "HS": "Hauptschule", "RS": "Realschule",
                "GYM": "Gymnasium", "IGS": "Integrierte Gesamtschule", "FS": "Förderschule",
                "BBS": "Berufsbildende Schule"}
LANGUAGE_SUPPORT = {"SLK": "Sprachlernklasse", "DAZ": "Deutsch als Zweitsprache", "KEINE": "keine"}


class SchFact(OfficeFactMixin, db.Model):
    """School, grade and language support as the school office knows them."""

    __tablename__ = "sch_fact"

    school_number: Mapped[str] = mapped_column(String(6))
    school_type: Mapped[str] = mapped_column(String(3))
    grade: Mapped[int] = mapped_column(Integer)
    language_support: Mapped[str | None] = mapped_column(String(5))
    school_district: Mapped[str | None] = mapped_column(String(2))


class SchAdapter(SourceAdapter):
    code = "sch"
    label = "des Schulamts"
    azr_column = None  # the school office never knows the AZR number
    facts_model = SchFact
    file_format = "xlsx"
    columns_spec = (
        *core("sch", nationality_required=False, azr=False),
        Column("schulnummer", "digits", required=True, fact="school_number", low=5, high=6),
        Column("schulform", "code", required=True, fact="school_type", codes=tuple(SCHOOL_TYPES)),
        Column("jahrgang", "int", required=True, fact="grade", low=1, high=13),
        Column("sprachfoerderung", "code", fact="language_support", codes=tuple(LANGUAGE_SUPPORT)),
        Column("schulstadtteil", "district", fact="school_district"),
    )

    def read(self, data: bytes) -> ReadFile:
        return xlsxfile.read(data, columns=self.columns, required=self.required, source_label=self.label,
                             date_columns=frozenset({"geburtsdatum"}))


register(SchAdapter())
