"""The information Art. 15(1)(a)-(h) GDPR owes a data subject beside the data itself, and how staff are named.

Purposes, legal basis and recipients come from the record of processing (docs/record-of-processing.json,
one source of truth with the Art. 30 record); the storage period is computed for this person from the
retention policy. Staff appear by role and office, never by name or e-mail address: the data subject
learns which office read their record, the city keeps its employees' identities to the auditors.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from caseapp.auth.models import User
from caseapp.auth.roles import ADMIN, ROLE_LABELS_DE
from caseapp.codelists import PersonState
from caseapp.extensions import db
from caseapp.localtime import local_date
from caseapp.offices.models import OFFICES
from caseapp.people.models import Person
from caseapp.privacy import record as processing_record
from caseapp.privacy.retention import Policy, add_months, case_end
from caseapp.workflows.models import Transition

SUPERVISORY_AUTHORITY = (
    "Die Landesbeauftragte für den Datenschutz Niedersachsen, Prinzenstraße 5, 30159 Hannover, "
    "Telefon 0511 120-4500, poststelle@lfd.niedersachsen.de, www.lfd.niedersachsen.de"
)
RIGHTS = (
    (
        "Berichtigung (Art. 16 DSGVO)",
        ("Unrichtige Angaben werden auf Ihren Antrag berichtigt, unvollständige vervollständigt."),
    ),
    (
        "Löschung (Art. 17 DSGVO)",
        (
            "Angaben, die für den Zweck nicht mehr nötig sind oder unrechtmäßig verarbeitet "
            "werden, werden auf Ihren Antrag gelöscht, soweit keine gesetzliche Aufbewahrungspflicht "
            "entgegensteht."
        ),
    ),
    (
        "Einschränkung der Verarbeitung (Art. 18 DSGVO)",
        (
            "Solange etwa die Richtigkeit einer Angabe geprüft wird, "
            "können Sie verlangen, dass sie nur noch gespeichert, aber nicht weiter verwendet wird."
        ),
    ),
    (
        "Widerspruch (Art. 21 DSGVO)",
        (
            "Sie können der Verarbeitung aus Gründen Ihrer besonderen Situation "
            "widersprechen, soweit sie auf Art. 6 Abs. 1 lit. e DSGVO beruht."
        ),
    ),
    ("Beschwerde bei der Aufsichtsbehörde (Art. 77 DSGVO)", SUPERVISORY_AUTHORITY + "."),
)
AUTOMATED_DECISIONS = (
    "Es findet keine ausschließlich automatisierte Entscheidung einschließlich Profiling statt, die Ihnen "
    "gegenüber rechtliche Wirkung entfaltet (Art. 22 DSGVO). Zimmervorschläge und der Abgleich der Angaben "
    "verschiedener Ämter werden von Beschäftigten veranlasst und geprüft."
)
ACTOR_LABELS_DE = {
    "retention": "Aufbewahrungslauf (automatisch)", "restore": "Wiederherstellung (Betrieb)",
    "cli": "Betrieb (Kommandozeile)", "demo": "Übernahme aus dem Bestand", "system": "System",
}
STATE_OF_CONTACT = (
    "Wenden Sie sich dazu an die Stadt Osnabrück (Verantwortliche) oder ihre Datenschutzbeauftragte."
)


def actor_label(label: str | None) -> str:
    """A non-human actor as a reader understands it ('source:abh' -> 'Datenquelle Ausländerbehörde')."""
    if not label:
        return "–"
    if label.startswith("source:"):
        code = label.split(":", 1)[1]
        return f"Datenquelle {OFFICES.get(code, code)}"
    return ACTOR_LABELS_DE.get(label, "System")


def staff_label(user: User | None, offices: str | None = None) -> str:
    """'Sachbearbeitung, Ausländerbehörde': role and office suffice; the person's e-mail never appears."""
    if user is None:
        role = "Beschäftigte/r"
    else:
        names = sorted(r.name for r in user.roles)
        shown = [n for n in names if n != ADMIN] or names
        role = ", ".join(ROLE_LABELS_DE.get(n, n) for n in shown) or "Beschäftigte/r"
    codes = [c for c in (offices.split(",") if offices else sorted(user.office_codes) if user else []) if c]
    office = ", ".join(OFFICES.get(c, c) for c in codes)
    return f"{role} ({office})" if office else role


def users_by_id(ids) -> dict[int, User]:
    ids = sorted({i for i in ids if i is not None})
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def purposes() -> dict:
    record = processing_record.load()
    return {"controller": record["controller"], "dpo": record["data_protection_officer"],
            "purpose": record["purpose"], "legal_basis": record["legal_basis"]}


def recipients(person: Person) -> dict:
    record = processing_record.load()
    offices = [
        OFFICES.get(o.office_code, o.office_code) for o in sorted(person.offices, key=lambda o: o.office_code)
    ]
    return {"text": record["recipients"], "offices": offices,
            "third_country": record["third_country_transfer"]}


def storage(person: Person) -> dict:
    """How long this person's record is kept: the longest period of the offices that know them, from
    the end of the case; the audit trail separately."""
    policy = Policy.from_config(current_app.config)
    months = policy.person_months(o.office_code for o in person.offices)
    last_depart = db.session.scalar(select(func.max(Transition.occurred_on)).where(
        Transition.entity == "person", Transition.entity_id == person.id, Transition.event == "depart"))
    due = None
    if person.state == PersonState.departed and person.anonymised_at is None:
        due = local_date(add_months(case_end(person, last_depart), months))
    audit = processing_record.load()["retention"]["audit"]["text"]
    return {"months": months, "due": due, "audit": audit}


def rights() -> dict:
    return {"rights": RIGHTS, "contact": STATE_OF_CONTACT, "automated": AUTOMATED_DECISIONS}
