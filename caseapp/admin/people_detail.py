"""Read side of the person pages: current rooms for a page of persons, field rows and the timeline."""
from __future__ import annotations

from datetime import date
from functools import cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import literal, select

from caseapp.admin.i18n import code_label
from caseapp.extensions import db
from caseapp.localtime import local_date, local_datetime
from caseapp.people.access import field_allowed
from caseapp.people.models import Person
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.workflows.history import history

# (attribute, label, kind for code_label or None) in the order the detail page shows them.
DETAIL_FIELDS = (
    ("family_name", _l("Family name"), None),
    ("given_names", _l("Given names"), None),
    ("birth_date", _l("Date of birth"), "birth"),
    ("sex", _l("Sex"), "sex"),
    ("nationality", _l("Nationalities"), "nationalities"),
    ("residence_status", _l("Residence status"), "residence_status"),
    ("legal_basis", _l("Legal basis"), None),
    ("azr_number", _l("AZR number"), None),
    ("state", _l("State"), "state"),
    ("household_id", _l("Household"), "household"),
    ("needs", _l("Needs"), None),
    ("entry_date", _l("Date of entry"), "date"),
    ("move_in_date", _l("Moved to the city"), "date"),
    ("move_out_date", _l("Moved away"), "date"),
    ("street", _l("Address"), "address"),
    ("district_number", _l("District"), "district"),
    ("registered_by_office", _l("Registered by office"), "office"),
    ("flagged_missing_since", _l("Missing from its source since"), "date"),
)


def german_date(d: date | None) -> str:
    """'02.12.2026'; a stored timestamp (UTC) first becomes Osnabrück time."""
    return local_date(d)


@cache
def current_room_expression():
    """'Shelter / Room' of the person's current stay, as a column of a person query (Person.current_room).

    PostgreSQL evaluates it after ORDER BY ... LIMIT, so only for the rows of the page.
    """
    return (select(Shelter.name.op("||")(literal(" / ")).op("||")(Room.name)).select_from(Stay)
            .join(Room, Room.id == Stay.room_id).join(Shelter, Shelter.id == Room.shelter_id)
            .where(Stay.person_id == Person.id, Stay.end_date.is_(None))
            .limit(1).correlate(Person).scalar_subquery())


_DISTRICTS: dict[str, str] = {}


def district_names() -> dict[str, str]:
    """number -> name of the 23 districts; seeded with the schema and read once per process."""
    if not _DISTRICTS:
        from caseapp.districts.models import District

        _DISTRICTS.update(db.session.execute(select(District.number, District.name)).all())
    return _DISTRICTS


def format_field(person, attr: str, kind: str | None) -> str:
    value = getattr(person, attr)
    if kind == "birth":
        return person.birth.german
    if kind == "nationalities":
        return ", ".join(code_label("nationality", c) for c in person.nationality_codes)
    if kind in ("sex", "residence_status", "state"):
        return code_label(kind, value)
    if kind == "date":
        return german_date(value)
    if kind == "office":
        from caseapp.offices.models import OFFICES

        return OFFICES.get(value, value or "")
    if kind == "household":
        return str(person.household) if person.household else ""
    if kind == "district":
        return f"{value} {district_names().get(value, '')}" if value else ""
    if kind == "address":
        parts = [" ".join(p for p in (person.street, person.house_number) if p),
                 " ".join(p for p in (person.postcode, person.city) if p)]
        return ", ".join(p for p in parts if p)
    return "" if value is None else str(value)


def field_rows(user, person) -> list[tuple[str, str]]:
    """(label, text) for every field this user may read of this person; nothing else is even loaded."""
    return [(str(label), format_field(person, attr, kind)) for attr, label, kind in DETAIL_FIELDS
            if field_allowed(user, person, attr)]


def stays_of(person_id: int) -> list[dict]:
    stmt = (select(Stay, Room.name, Shelter.name, Shelter.id).join(Room, Room.id == Stay.room_id)
            .join(Shelter, Shelter.id == Room.shelter_id)
            .where(Stay.person_id == person_id).order_by(Stay.start_date, Stay.id))
    return [{"start": german_date(stay.start_date), "end": german_date(stay.end_date), "room": room,
             "shelter": shelter, "shelter_id": sid} for stay, room, shelter, sid in db.session.execute(stmt)]


def transitions_of(person_id: int, with_reasons: bool) -> list[dict]:
    rows = []
    for t in history("person", person_id):
        rows.append({
            "date": german_date(t.occurred_on),
            "recorded": local_datetime(t.recorded_at),
            "event": code_label("event", t.event),
            "from": code_label("state", t.from_state) if t.from_state else "",
            "to": code_label("state", t.to_state),
            "by": (t.by_user.email if t.by_user else t.by_label) if with_reasons else "",
            "reason": (t.reason or "") if with_reasons else "",
        })
    return rows


def sources_of(person_id: int) -> dict:
    """Which source delivers the person under which key (and since which delivery), and which source
    and delivery said each field."""
    from caseapp.sources.queries import provenance, source_records

    records = [{
        "source": rec.source.name if rec.source else rec.source_code, "key": rec.key,
        "first": _delivery_text(rec.created_delivery), "last": _delivery_text(rec.updated_delivery
                                                                              or rec.created_delivery),
        "missing_since": german_date(rec.missing_since),
    } for rec in source_records(person_id)]
    labels = {attr: str(label) for attr, label, _kind in DETAIL_FIELDS}
    labels.update(birth_precision=labels["birth_date"], nationalities=str(_l("Nationalities")))
    fields = [{"field": labels.get(name, name), "source": info["source"],
               "delivery": _("%(file)s (as of %(date)s)", file=info.get("file_name") or "",
                             date=german_date(info.get("as_of")))}
              for name, info in sorted(provenance(person_id).items())]
    return {"records": records, "fields": fields}


def _delivery_text(delivery) -> str:
    if delivery is None:
        return ""
    return _("%(file)s (as of %(date)s)", file=delivery.file_name, date=german_date(delivery.as_of))
