"""The job centre's snapshot (source `jc`): identifying core plus job status, integration course, level.

Off unless CASEAPP_SOURCE_JC_ENABLED=1: the Federal Employment Agency has to approve the connection
first, and until then every file is rejected as a whole.
"""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db
from caseapp.sources.adapter import Column, SourceAdapter, core
from caseapp.sources.facts import OfficeFactMixin
from caseapp.sources.registry import register

JOB_STATUSES = {"ARBEITSUCHEND": "arbeitsuchend", "BESCHAEFTIGT": "beschäftigt",
                "MASSNAHME": "in einer Maßnahme", "AUSBILDUNG": "in Ausbildung",
                "NICHT_ERWERBSFAEHIG": "nicht erwerbsfähig"}
COURSES = {"KEIN": "kein Integrationskurs", "LAUFEND": "Integrationskurs läuft",
           "ABGESCHLOSSEN": "Integrationskurs abgeschlossen"}
LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")


class JcFact(OfficeFactMixin, db.Model):
    """Job status, integration course and certified German level as the job centre knows them."""

    __tablename__ = "jc_fact"

    job_status: Mapped[str] = mapped_column(String(20))
    course: Mapped[str | None] = mapped_column(String(14))
    language_level: Mapped[str | None] = mapped_column(String(2))


class JcAdapter(SourceAdapter):
    code = "jc"
    label = "des Jobcenters"
    facts_model = JcFact
    enabled_setting = "CASEAPP_SOURCE_JC_ENABLED"
    disabled_message = ("Die Anbindung des Jobcenters ist nicht freigegeben (die Bundesagentur für Arbeit "
                        "hat sie noch nicht genehmigt); die Datei wird nicht verarbeitet. Freigabe: "
                        "CASEAPP_SOURCE_JC_ENABLED=1.")
    columns_spec = (
        *core("jc"),
        Column("erwerbsstatus", "code", required=True, fact="job_status", codes=tuple(JOB_STATUSES)),
        Column("integrationskurs", "code", fact="course", codes=tuple(COURSES)),
        Column("sprachniveau", "code", fact="language_level", codes=LEVELS),
    )


register(JcAdapter())
