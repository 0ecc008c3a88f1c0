"""Collects everything held about one person for the GDPR Art. 15 access report (read side, no writes)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select

from caseapp.audit.models import AuditEvent
from caseapp.codelists import action_label
from caseapp.districts.models import District
from caseapp.extensions import db
from caseapp.localtime import local_date, local_datetime
from caseapp.offices.models import OFFICES
from caseapp.people.codes import RESIDENCE_STATUSES, SEXES, nationality_name
from caseapp.people.models import Person
from caseapp.privacy import access_info
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.sources.fact_access import facts_for_person
from caseapp.sources.models import Delivery, Source, SourceRecord
from caseapp.sources.queries import provenance
from caseapp.workflows.models import Transition
from caseapp.workflows.states import EVENT_LABELS_DE, STATE_LABELS_DE

# Person fields in the order the report lists them, with their German labels.
FIELD_LABELS = (
    ("family_name", "Familienname"), ("given_names", "Vornamen"), ("birth_date", "Geburtsdatum"),
    ("sex", "Geschlecht"), ("nationalities", "Staatsangehörigkeiten"),
    ("residence_status", "Aufenthaltsstatus"), ("legal_basis", "Rechtsgrundlage"),
    ("azr_number", "AZR-Nummer"), ("entry_date", "Einreisedatum"), ("move_in_date", "Zuzugsdatum"),
    ("move_out_date", "Wegzugsdatum"), ("street", "Straße"), ("house_number", "Hausnummer"),
    ("postcode", "Postleitzahl"), ("city", "Ort"), ("district_number", "Stadtteil"),
    ("household_id", "Familie / Haushalt"), ("needs", "Bedarfe"), ("state", "Verfahrensstand"),
    ("flagged_missing_since", "Zur Prüfung markiert seit"),
)
OTHER_EVENTS_DE = {"register": "Erfassung"}
CHANNEL_LABELS_DE = {
    "admin": "Oberfläche",
    "api": "Schnittstelle",
    "cli": "Kommandozeile",
    "task": "automatisch",
}
VIA_LABELS_DE = {"source": "Lieferung der Datenquelle", "registration": "Registrierung durch das Amt"}


def local_time(value: datetime) -> str:
    """Audit times are stored in UTC; people read Osnabrück time (caseapp/localtime.py)."""
    return local_datetime(value, seconds=True)


def _date(value) -> str:
    return local_date(value) or "–"


def _value(person: Person, field: str) -> str:
    if field == "birth_date":
        return person.birth.german
    if field == "sex":
        return SEXES.get(person.sex, person.sex)
    if field == "nationalities":
        return ", ".join(f"{nationality_name(c)} ({c})" for c in person.nationality_codes) or "–"
    if field == "residence_status":
        return RESIDENCE_STATUSES.get(person.residence_status, person.residence_status)
    if field == "district_number":
        district = db.session.get(District, person.district_number) if person.district_number else None
        return str(district) if district else "–"
    if field == "household_id":
        return str(person.household) if person.household else "–"
    if field == "state":
        return STATE_LABELS_DE.get(person.state, person.state)
    value = getattr(person, field)
    if value is None or value == "":
        return "–"
    return _date(value) if hasattr(value, "strftime") else str(value)


def _delivery_text(delivery: Delivery | None) -> str:
    if delivery is None:
        return "–"
    return (
        f"{delivery.file_name} (Stichtag {_date(delivery.as_of)}, eingegangen {_date(delivery.received_at)})"
    )


def _origins(person: Person) -> dict[str, str]:
    """Where each field's value came from (the sources area's provenance), else who registered the person."""
    sources = {s.code: s.name for s in db.session.scalars(select(Source))}
    origin: dict[str, str] = {}
    if person.registered_by_office:
        text = f"Registrierung durch {OFFICES.get(person.registered_by_office, person.registered_by_office)}"
        origin = {field: text for field, _ in FIELD_LABELS}
    for field, p in provenance(person.id).items():
        key = "nationalities" if field in ("nationality", "nationalities") else field
        if p.get("user"):
            who = access_info.staff_label(access_info.users_by_id([p["user_id"]]).get(p["user_id"]))
            origin[key] = f"manuelle Korrektur durch {who} ({_date(p.get('set_at'))})"
        else:
            origin[key] = (f"{sources.get(p['source'], p['source'])}: Lieferung {p['file_name'] or '–'} "
                           f"(Stichtag {_date(p['as_of'])})")
    origin["state"] = "Verfahrensschritte (siehe Verlauf)"
    return origin


@dataclass(frozen=True)
class Section:
    """One block of the report: its anchor, heading, template (templates/privacy/access/) and the
    function that builds its data from the person. Add a block by adding a Section to SECTIONS."""

    key: str
    title: str
    template: str
    build: Callable[[Person], object]


def _fields(person: Person) -> list[dict]:
    origins = _origins(person)
    return [
        {"label": label, "value": _value(person, f), "origin": origins.get(f, "–")}
        for f, label in FIELD_LABELS
    ]


def _offices(person: Person) -> list[dict]:
    return [{"office": OFFICES.get(o.office_code, o.office_code), "via": VIA_LABELS_DE.get(o.via, o.via),
             "since": _date(o.since)} for o in sorted(person.offices, key=lambda o: o.office_code)]


def _sources(person: Person) -> list[dict]:
    records = db.session.scalars(
        select(SourceRecord).where(SourceRecord.person_id == person.id).order_by(SourceRecord.id))
    return [{"source": r.source.name if r.source else r.source_code, "key": r.key,
             "first": _delivery_text(r.created_delivery), "last": _delivery_text(r.updated_delivery),
             "missing_since": _date(r.missing_since)} for r in records]


SECTIONS: list[Section] = [
    Section("angaben", "Gespeicherte Angaben und ihre Herkunft", "privacy/access/fields.html", _fields),
    Section("aemter", "Ämter, denen die Person bekannt ist", "privacy/access/offices.html", _offices),
    Section("quellen", "Datenquellen und Lieferungen", "privacy/access/sources.html", _sources),
    # Every office's own facts with their history: the report is the data subject's own copy.
    Section("fachdaten", "Fachdaten der Ämter", "privacy/access/office_facts.html",
            lambda p: facts_for_person(p.id, None)),
    Section("verlauf", "Verlauf des Verfahrens", "privacy/access/transitions.html",
            lambda p: _transitions(p.id)),
    Section("belegungen", "Belegungen", "privacy/access/stays.html", lambda p: _stays(p.id)),
    Section("wiedervorlagen", "Wiedervorlagen und Fallnotizen", "privacy/access/casework.html",
            lambda p: _casework(p.id)),
    Section("zugriffe", "Zugriffe und Änderungen (Protokoll)", "privacy/access/accesses.html",
            lambda p: _accesses(p)),
    Section("zwecke", "Zwecke und Rechtsgrundlagen", "privacy/access/purposes.html",
            lambda p: access_info.purposes()),
    Section("empfaenger", "Empfänger", "privacy/access/recipients.html", access_info.recipients),
    Section("speicherdauer", "Speicherdauer", "privacy/access/storage.html", access_info.storage),
    Section("rechte", "Ihre Rechte", "privacy/access/rights.html", lambda p: access_info.rights()),
]


def collect(person: Person, *, generated_by: str, now: datetime) -> dict:
    """The report's context: the person, when and by whom it was made, and one entry per Section."""
    return {
        "person": person,
        "person_label": person.display_name,
        "anonymised": person.anonymised_at is not None,
        "anonymised_at": _date(person.anonymised_at),
        "generated_at": local_time(now)[:16],
        "generated_by": generated_by,
        "sections": [{"key": s.key, "title": s.title, "template": s.template, "data": s.build(person)}
                     for s in SECTIONS],
    }


def _transitions(person_id: int) -> list[dict]:
    rows = db.session.scalars(select(Transition).where(
        Transition.entity == "person", Transition.entity_id == person_id
    ).order_by(Transition.occurred_on, Transition.id))
    return [
        {
            "on": _date(t.occurred_on),
            "event": EVENT_LABELS_DE.get(t.event, OTHER_EVENTS_DE.get(t.event, t.event)),
            "from": STATE_LABELS_DE.get(t.from_state, t.from_state or "–"),
            "to": STATE_LABELS_DE.get(t.to_state, t.to_state),
            "recorded": _date(t.recorded_at),
            "by": access_info.staff_label(t.by_user) if t.by_user_id else access_info.actor_label(t.by_label),
            "reason": t.reason or "–",
        }
        for t in rows
    ]


def _stays(person_id: int) -> list[dict]:
    rows = db.session.execute(
        select(Stay, Room, Shelter).join(Room, Stay.room_id == Room.id).join(Shelter,
                                                                             Room.shelter_id == Shelter.id)
        .where(Stay.person_id == person_id).order_by(Stay.start_date)
    ).all()
    return [{"shelter": shelter.name, "room": room.name, "start": _date(stay.start_date),
             "end": _date(stay.end_date) if stay.end_date else "laufend"} for stay, room, shelter in rows]


def _casework(person_id: int) -> dict:
    """Every follow-up and case note on the person, of every office (the report is for the person)."""
    from caseapp.casework.models import CaseNote, FollowUp

    follow_ups = db.session.scalars(select(FollowUp).where(FollowUp.person_id == person_id)
                                    .order_by(FollowUp.due_on, FollowUp.id)).all()
    notes = db.session.scalars(select(CaseNote).where(CaseNote.person_id == person_id)
                               .order_by(CaseNote.created_at, CaseNote.id)).all()
    return {
        "follow_ups": [{"due": _date(f.due_on), "text": f.text,
                        "office": OFFICES.get(f.office_code, f.office_code),
                        "set": _date(f.created_at), "done": _date(f.done_at) if f.done_at else "offen"}
                       for f in follow_ups],
        "notes": [{"at": local_time(n.created_at)[:16], "text": n.text,
                   "office": OFFICES.get(n.office_code, n.office_code)} for n in notes],
    }


def _accesses(person: Person) -> list[dict]:
    """Every audit row about the person (and reads of their household): who, when, what, by which way."""
    cond = and_(AuditEvent.object_type == "person", AuditEvent.object_id == str(person.id))
    if person.household_id:
        cond = or_(
            cond,
            and_(AuditEvent.object_type == "household", AuditEvent.object_id == str(person.household_id)),
        )
    rows = db.session.scalars(select(AuditEvent).where(cond).order_by(AuditEvent.at, AuditEvent.id)).all()
    users = access_info.users_by_id(e.user_id for e in rows)
    return [{"at": local_time(e.at),
             "who": access_info.staff_label(users.get(e.user_id), e.office) if e.user_id is not None
             else access_info.actor_label(e.actor),
             "action": action_label(e.action) + (" (Haushalt)" if e.object_type == "household" else ""),
             "channel": CHANNEL_LABELS_DE.get(e.channel, e.channel or "–")} for e in rows]
