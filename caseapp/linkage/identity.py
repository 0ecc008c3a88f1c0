"""The shown identity after a merge or split: the sources' precedence when that area provides it.

The per-field precedence (abh before soz before jc before jug before sch, manual corrections first)
belongs to the sources area (`recompute_identity(person)`); until it is there, a merged person keeps
its own values and takes the other's where its own are empty.
"""

from __future__ import annotations

import importlib
from datetime import date

from sqlalchemy import select, update

from caseapp.codelists import PersonState
from caseapp.extensions import db
from caseapp.people.models import Person

FIELDS = (
    "azr_number",
    "family_name",
    "given_names",
    "birth_date",
    "birth_precision",
    "sex",
    "street",
    "house_number",
    "postcode",
    "city",
    "district_number",
    "entry_date",
    "legal_basis",
)
_CANDIDATES = (
    "caseapp.sources.identity",
    "caseapp.sources.precedence",
    "caseapp.sources.operations",
    "caseapp.fieldrules",
)


def _sources_recompute():
    for name in _CANDIDATES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "recompute_identity"):
            return module.recompute_identity
    return None


def recompute(person: Person | None, snapshot: dict | None = None) -> None:
    if person is None:
        return
    if snapshot is not None:
        _fill_empty(person, snapshot)
    fn = _sources_recompute()
    if fn is not None:
        fn(person)
    db.session.flush()


def _fill_empty(person: Person, snapshot: dict) -> None:
    from caseapp.linkage.merging import _from_json

    other = snapshot["person"]
    table = db.metadata.tables["person"]
    for field in FIELDS:
        if getattr(person, field) is None and other.get(field) is not None:
            setattr(person, field, _from_json(table.c[field], other[field]))
    codes = person.nationality_codes
    extra = [n["code"] for n in snapshot["nationalities"] if n["code"] not in codes]
    if extra:
        person.set_nationalities(codes + extra)


def detach_copy(person_id: int, source: str, key: str, *, by_id: int | None = None,
                by_label: str | None = None) -> int:
    """A new person for a record that was not brought in by a merge: a copy of the shown identity, with
    the record and that office's membership moved to it."""
    from caseapp.people.models import PersonOffice
    from caseapp.sources.models import SourceRecord

    person = db.session.get(Person, person_id)
    copy = Person(
        **{
            c.name: getattr(person, c.name)
            for c in Person.__table__.columns
            if c.name not in ("id", "azr_number", "created_at", "updated_at")
        }
    )
    copy.set_nationalities(person.nationality_codes or [person.nationality])
    copy.state = _state_of_record(source, key, copy)
    copy.household_id, copy.flagged_missing_since = None, None
    db.session.add(copy)
    db.session.flush()
    db.session.execute(
        update(SourceRecord)
        .where(SourceRecord.source_code == source, SourceRecord.key == key)
        .values(person_id=copy.id)
    )
    from caseapp.workflows.models import Transition

    db.session.add(Transition(
        entity="person", entity_id=copy.id, event="split", from_state=None, to_state=copy.state,
        occurred_on=date.today(), by_user_id=by_id, by_label=by_label,
        reason=f"Abgetrennt von Person Nr. {person_id} (Datensatz {source} '{key}')"))
    still = db.session.scalar(
        select(SourceRecord.id)
        .where(SourceRecord.person_id == person_id, SourceRecord.source_code == source)
        .limit(1)
    )
    office = db.session.get(PersonOffice, (person_id, source))
    if office is not None:
        db.session.add(PersonOffice(person_id=copy.id, office_code=source, via=office.via))
        if still is None:
            db.session.delete(office)
    db.session.flush()
    return copy.id


def _state_of_record(source: str, key: str, copy: Person) -> str:
    """Where the record's own person stands: as an import would have created it from the record
    (arrived, in a flat, departed; linkage/hooks.py attaches most records without creating one). A bed
    never moves with a split: a shelter resident's record starts as arrived."""
    from caseapp.sources import apply
    from caseapp.sources import identity as src
    from caseapp.sources.models import SourceRecord

    raw = db.session.scalar(
        select(SourceRecord.identity).where(SourceRecord.source_code == source, SourceRecord.key == key)
    )
    fields = src.loads(raw)
    if fields is None:
        return PersonState.arrived.value if copy.state == PersonState.accommodated else copy.state
    # The fields as precedence shows them for this one record (dates parsed).
    values = {name: value for name, (value, _by) in src.derive([(source, fields, None)], {}).items()}
    ctx = apply.Context(source, 0, date.today(), f"source:{source}",
                        shelter_addresses=apply.load_shelter_addresses())
    return apply.entry_steps(ctx, values)[0]


def recompute_many(survivor_ids: list[int], snapshots: dict[int, dict], merged_of: dict[int, int]) -> None:
    """`recompute` for many survivors of one import at once: the sources' precedence set-based where that
    area offers it, else empty fields filled from each merged snapshot."""
    try:
        from caseapp.sources import identity as src
        from caseapp.sources.apply import write_identity
    except ImportError:
        src = None
    if src is None or not hasattr(src, "derive"):
        for pid in survivor_ids:
            recompute(db.session.get(Person, pid), snapshots[merged_of[pid]])
        return
    db.session.flush()
    records = src.load_records(survivor_ids)
    corrections = src.load_corrections(survivor_ids)
    shown = {}
    for pid in survivor_ids:
        known = [
            (code, ident, delivery) for _, code, ident, delivery in records.get(pid, []) if ident is not None
        ]
        if known or corrections.get(pid):
            shown[pid] = src.derive(known, corrections.get(pid, {}))
    if shown:
        write_identity(shown, first_source=src.first_sources(records))
    db.session.expire_all()
