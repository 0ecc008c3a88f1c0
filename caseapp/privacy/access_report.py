"""Collects everything held about one person for the GDPR Art. 15 access report (read side, no writes)."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select

from caseapp.audit.models import AuditEvent
from caseapp.districts.models import District
from caseapp.extensions import db
from caseapp.offices.models import OFFICES
from caseapp.people.codes import RESIDENCE_STATUSES, SEXES, nationality_name
from caseapp.people.models import Person
from caseapp.shelters.models import Room, Shelter, Stay
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
ACTION_LABELS_DE = {
    "read": "angesehen", "create": "angelegt", "update": "geändert", "export": "exportiert",
    "anonymise": "anonymisiert", "access_report": "Auskunftsbericht erstellt", "sync": "durch Lieferung geändert",
}
VIA_LABELS_DE = {"source": "Lieferung der Datenquelle", "registration": "Registrierung durch das Amt"}


LOCAL = ZoneInfo("Europe/Berlin")


def local_time(value: datetime) -> str:
    """Audit times are stored in UTC; people read Osnabrück time."""
    return value.replace(tzinfo=UTC).astimezone(LOCAL).strftime("%d.%m.%Y %H:%M:%S")


def _date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else "–"


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


def action_label(action: str) -> str:
    if action.startswith("transition:"):
        return "Übergang: " + EVENT_LABELS_DE.get(action.split(":", 1)[1], action.split(":", 1)[1])
    return ACTION_LABELS_DE.get(action, action)


def _delivery_text(delivery: Delivery | None) -> str:
    if delivery is None:
        return "–"
    return f"{delivery.file_name} (Stichtag {_date(delivery.as_of)}, eingegangen {_date(delivery.received_at)})"


def _origins(person: Person) -> dict[str, str]:
    """Where each field's value came from (the sources area's provenance), else who registered the person."""
    sources = {s.code: s.name for s in db.session.scalars(select(Source))}
    origin: dict[str, str] = {}
    if person.registered_by_office:
        text = f"Registrierung durch {OFFICES.get(person.registered_by_office, person.registered_by_office)}"
        origin = {field: text for field, _ in FIELD_LABELS}
    for field, p in provenance(person.id).items():
        key = "nationalities" if field in ("nationality", "nationalities") else field
        origin[key] = (f"{sources.get(p['source'], p['source'])}: Lieferung {p['file_name'] or '–'} "
                       f"(Stichtag {_date(p['as_of'])})")
    origin["state"] = "Verfahrensschritte (siehe Verlauf)"
    return origin


def collect(person: Person, *, generated_by: str, now: datetime) -> dict:
    """The report's context: every value with its origin, sources, history, stays and accesses."""
    records = list(db.session.scalars(
        select(SourceRecord).where(SourceRecord.person_id == person.id).order_by(SourceRecord.id)))
    origins = _origins(person)
    return {
        "person": person,
        "person_label": person.display_name,
        "anonymised": person.anonymised_at is not None,
        "anonymised_at": _date(person.anonymised_at),
        "generated_at": local_time(now)[:16],
        "generated_by": generated_by,
        "fields": [{"label": label, "value": _value(person, f), "origin": origins.get(f, "–")}
                   for f, label in FIELD_LABELS],
        "offices": [{"office": OFFICES.get(o.office_code, o.office_code), "via": VIA_LABELS_DE.get(o.via, o.via),
                     "since": _date(o.since)} for o in sorted(person.offices, key=lambda o: o.office_code)],
        "sources": [{"source": r.source.name if r.source else r.source_code, "key": r.key,
                     "first": _delivery_text(r.created_delivery), "last": _delivery_text(r.updated_delivery),
                     "missing_since": _date(r.missing_since)} for r in records],
        "transitions": _transitions(person.id),
        "stays": _stays(person.id),
        "accesses": _accesses(person),
    }


def _transitions(person_id: int) -> list[dict]:
    rows = db.session.scalars(select(Transition).where(
        Transition.entity == "person", Transition.entity_id == person_id
    ).order_by(Transition.occurred_on, Transition.id))
    return [{"on": _date(t.occurred_on), "event": EVENT_LABELS_DE.get(t.event, t.event),
             "from": STATE_LABELS_DE.get(t.from_state, t.from_state or "–"),
             "to": STATE_LABELS_DE.get(t.to_state, t.to_state), "recorded": _date(t.recorded_at),
             "by": t.by_user.email if t.by_user else (t.by_label or "–"), "reason": t.reason or "–"}
            for t in rows]


def _stays(person_id: int) -> list[dict]:
    rows = db.session.execute(
        select(Stay, Room, Shelter).join(Room, Stay.room_id == Room.id).join(Shelter, Room.shelter_id == Shelter.id)
        .where(Stay.person_id == person_id).order_by(Stay.start_date)
    ).all()
    return [{"shelter": shelter.name, "room": room.name, "start": _date(stay.start_date),
             "end": _date(stay.end_date) if stay.end_date else "laufend"} for stay, room, shelter in rows]


def _accesses(person: Person) -> list[dict]:
    """Every audit row about the person (and reads of their household): who, when, what, by which way."""
    cond = and_(AuditEvent.object_type == "person", AuditEvent.object_id == str(person.id))
    if person.household_id:
        cond = or_(cond, and_(AuditEvent.object_type == "household", AuditEvent.object_id == str(person.household_id)))
    rows = db.session.scalars(select(AuditEvent).where(cond).order_by(AuditEvent.at, AuditEvent.id))
    return [{"at": local_time(e.at), "who": e.user_email or e.actor or "–",
             "office": e.office or "–", "action": action_label(e.action) + (" (Haushalt)" if e.object_type == "household" else ""),
             "channel": e.channel or "–"} for e in rows]
