"""A person's shown identity, derived per field from its source records and manual corrections.

Every source record keeps the identity its source last delivered (`SourceRecord.identity`). The
shown value of a field group is the one of the first source in PRECEDENCE that delivers a value for
it (office-deliveries.md: abh before soz before jc before jug before sch); an address or a birth date
is taken whole from one source, never mixed. A caseworker's manual correction of a field wins, with
its author, until a source delivers a value for that field that differs from what that same source
delivered before (`stale_corrections`). `recompute_identity` applies this to one person; the importer
does the same set-based for a whole delivery, and record linkage calls it after a merge or split.
"""
from __future__ import annotations

import json
from datetime import date

from caseapp.sources import bulk

PRECEDENCE = ("abh", "soz", "jc", "jug", "sch")
# Field groups taken whole from one source, by person column ("nationalities" is the ordered list).
GROUPS: dict[str, tuple[str, ...]] = {
    "azr_number": ("azr_number",),
    "family_name": ("family_name",),
    "given_names": ("given_names",),
    "birth": ("birth_date", "birth_precision"),
    "sex": ("sex",),
    "nationalities": ("nationalities", "nationality"),
    "residence_status": ("residence_status",),
    "legal_basis": ("legal_basis",),
    "entry_date": ("entry_date",),
    "move_in_date": ("move_in_date",),
    "move_out_date": ("move_out_date",),
    "address": ("street", "house_number", "postcode", "city", "district_number"),
}
FIELDS = tuple(f for group in GROUPS.values() for f in group)
DATES = {"birth_date", "entry_date", "move_in_date", "move_out_date"}
# Groups a source delivering no value for leaves as they are (the AZR number is for life).
KEEP_WHEN_ABSENT = {"azr_number"}
UNKNOWN_NATIONALITY = "XXX"


def rank(source_code: str) -> int:
    return PRECEDENCE.index(source_code) if source_code in PRECEDENCE else len(PRECEDENCE)


def to_json(fields: dict, nationalities: list[str], delivered: frozenset[str]) -> str:
    """The identity a record delivered, as stored: only the fields its source delivers."""
    out = {}
    for name in FIELDS:
        if name not in delivered:
            continue
        value = list(nationalities) if name == "nationalities" else fields.get(name)
        out[name] = value.isoformat() if isinstance(value, date) else value
    return json.dumps(out, ensure_ascii=False)


def loads(raw) -> dict | None:
    if raw is None:
        return None
    return json.loads(raw) if isinstance(raw, str) else raw


def _present(identity: dict, group: tuple[str, ...]) -> bool:
    return any(identity.get(f) not in (None, []) for f in group)


def derive(records: list[tuple[str, dict, int | None]], corrections: dict[str, tuple]) -> dict[str, tuple]:
    """Shown value per person field: {field: (value, ("source", code, delivery_id) | ("user", label, id))}.

    `records`: (source code, identity, delivery id) of each record of the person; `corrections`:
    {field: (value, label, user id)}. Fields no source delivers and nobody corrected are absent."""
    ordered = sorted(records, key=lambda r: rank(r[0]))
    shown: dict[str, tuple] = {}
    for group, names in GROUPS.items():
        delivering = [r for r in ordered if names[0] in r[1]]
        if not delivering:
            continue  # no source delivers the group: it stays as registered
        chosen = next((r for r in delivering if _present(r[1], names)), None)
        if chosen is None:
            if group in KEEP_WHEN_ABSENT:
                continue
            chosen = delivering[0]
        code, identity, delivery_id = chosen
        for n in names:
            shown[n] = (identity.get(n), ("source", code, delivery_id))
    for name, (value, label, user_id) in corrections.items():
        shown[name] = (value, ("user", label, user_id))
    if "nationalities" in shown and shown["nationalities"][0]:
        shown["nationality"] = (shown["nationalities"][0][0], shown["nationalities"][1])
    for name in DATES:
        if name in shown and isinstance(shown[name][0], str):
            shown[name] = (date.fromisoformat(shown[name][0]), shown[name][1])
    return shown


def stale_corrections(old: dict | None, new: dict) -> set[str]:
    """Fields whose correction a delivery ends: the source now delivers another value than before."""
    if old is None:
        return set()
    return {name for name in new if name in old and old[name] != new[name]}


def load_corrections(person_ids) -> dict[int, dict[str, tuple]]:
    rows = bulk.select_in("SELECT person_id, field, value, corrected_by_label, corrected_by_id FROM "
                          "field_provenance WHERE value IS NOT NULL AND person_id IN :ids", "ids", person_ids)
    out: dict[int, dict[str, tuple]] = {}
    for person_id, name, value, label, user_id in rows:
        out.setdefault(person_id, {})[name] = (loads(value)["v"], label, user_id)
    return out


def load_records(person_ids) -> dict[int, list[tuple[int, str, dict | None, int | None]]]:
    """(record id, source code, identity, delivery id) of every record of these persons."""
    rows = bulk.select_in("SELECT person_id, id, source_code, identity, COALESCE(updated_delivery_id, "
                          "created_delivery_id) FROM source_record WHERE person_id IN :ids", "ids",
                          person_ids)
    out: dict[int, list] = {}
    for person_id, record_id, code, identity, delivery_id in rows:
        out.setdefault(person_id, []).append((record_id, code, loads(identity), delivery_id))
    return out


def first_sources(records: dict[int, list[tuple]]) -> dict[int, str]:
    """The source of each person's oldest record: provenance's default (sources/models.py)."""
    out = {}
    for pid, recs in records.items():
        stored = [r for r in recs if r[0] is not None]
        if stored:
            out[pid] = min(stored)[1]
    return out


def drop_corrections(rows: list[tuple[int, str]]) -> None:
    """Forget corrections of (person, field) pairs a source delivered anew."""
    bulk.execute_many(
        "DELETE FROM field_provenance WHERE person_id = :p AND field = :f AND value IS NOT NULL",
        [{"p": p, "f": f} for p, f in rows],
    )


def record_corrections(person, changed: list[str], *, by, actor: str | None = None) -> None:
    """A caseworker's edit of shown fields: each becomes a correction that wins over every source (with
    its author) until a source delivers a new value for it. Called by people.operations.update_person."""
    from caseapp.extensions import db
    from caseapp.sources.models import FieldProvenance

    names = set(changed) & set(FIELDS)
    if names & {"birth_date", "birth_precision"}:
        names |= {"birth_date", "birth_precision"}
    if "nationalities" in names:
        names.add("nationality")
    label = getattr(by, "email", None) or actor or "unbekannt"
    for name in sorted(names):
        value = person.nationality_codes if name == "nationalities" else getattr(person, name)
        value = value.isoformat() if isinstance(value, date) else value
        db.session.merge(FieldProvenance(person_id=person.id, field=name, source_code=None, delivery_id=None,
                                         corrected_by_id=getattr(by, "id", None), corrected_by_label=label,
                                         value={"v": value}))


def recompute_identity(person) -> list[str]:
    """Derive the person's (a Person or its id) shown fields from all its source records and
    corrections and write what differs, with provenance per field; returns the changed field names.
    Record linkage calls it after a merge or split. Flushes, never commits."""
    from caseapp.extensions import db
    from caseapp.sources.apply import write_identity

    person_id = getattr(person, "id", person)
    db.session.flush()

    records = load_records([person_id]).get(person_id, [])
    corrections = load_corrections([person_id]).get(person_id, {})
    known = [
        (code, identity, delivery_id) for _, code, identity, delivery_id in records if identity is not None
    ]
    if not known and not corrections:
        return []
    shown = derive(known, corrections)
    changed = write_identity({person_id: shown}, first_source=first_sources({person_id: records})).get(
        person_id, []
    )
    if not isinstance(person, int):
        db.session.expire(person)
    return changed
