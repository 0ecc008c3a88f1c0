"""Writing a classified delivery: new persons in bulk, changed ones field by field, provenance, flags.

New persons enter the lifecycle in bulk: `arrive` (announced -> arrived), then `move_out` when their
address is a private one (not a shelter's) and `depart` when their move-out date lies on or before the
as-of date, each as a Transition row with the source as actor. Existing persons change state only
through `run_transition`, so stays are closed and the audit is written exactly as for a caseworker.
A move-out date delivered ahead of time comes due with a later snapshot even when the record is
unchanged then: `plan_due_departures` finds those persons with one query instead of re-reading records.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text

from caseapp.codelists import PersonState
from caseapp.sources import bulk, identity
from caseapp.sources.importer import Item, Plan

PERSON_FIELDS = ("azr_number", "family_name", "given_names", "birth_date", "birth_precision", "sex",
                 "nationality", "residence_status", "legal_basis", "entry_date", "move_in_date",
                 "move_out_date", "street", "house_number", "postcode", "city", "district_number")
DATE_FIELDS = {"birth_date", "entry_date", "move_in_date", "move_out_date"}
PERSON_TYPES = {"id": "int", **{c: ("date" if c in DATE_FIELDS else "text") for c in PERSON_FIELDS},
                "household_id": "int"}
PROVENANCE_TYPES = {"person_id": "int", "field": "text", "source_code": "text", "delivery_id": "int",
                    "corrected_by_id": "int", "corrected_by_label": "text"}


@dataclass
class Context:
    source_code: str
    delivery_id: int
    as_of: date
    actor: str
    shelter_addresses: set[tuple[str, str]] = field(default_factory=set)
    # The person fields the source delivers (the adapter's person_fields).
    person_fields: frozenset[str] = frozenset(identity.FIELDS)
    # Set when a caseworker re-processes a quarantined record: provenance names them.
    corrected_by: object | None = None
    # Persons whose shown fields this run changed: {person id: field names}.
    changed_persons: dict[int, list[str]] = field(default_factory=dict)
    # Existing persons whose lifecycle must move after the bulk writes: (person id, event, date, reason).
    steps: list[tuple[int, str, date, str]] = field(default_factory=list)


def load_shelter_addresses() -> set[tuple[str, str]]:
    rows = bulk.connection().execute(
        text("SELECT street, house_number FROM shelter WHERE street IS NOT NULL")
    )
    return {((s or "").casefold(), (h or "").casefold()) for s, h in rows}


def is_private_address(ctx: Context, fields: dict) -> bool:
    street = fields.get("street")
    if not street:
        return False
    return (street.casefold(), (fields.get("house_number") or "").casefold()) not in ctx.shelter_addresses


def households(ctx: Context, items: list[Item]) -> dict[str, int]:
    """Household id per family key of the source, creating households for keys seen first now."""
    keys = {i.parsed.household_key for i in items if i.parsed.household_key}
    if not keys:
        return {}
    found = dict(bulk.select_in("SELECT key, household_id FROM source_household WHERE source_code = :c "
                                "AND key IN :keys", "keys", keys, {"c": ctx.source_code}))
    new = sorted(keys - found.keys())
    ids = bulk.allocate_ids("household", len(new))
    bulk.copy_rows(
        "household", ("id", "label"), [(i, f"Familie {k} ({ctx.source_code})") for i, k in zip(ids, new)]
    )
    bulk.copy_rows("source_household", ("source_code", "key", "household_id"),
                   [(ctx.source_code, k, i) for i, k in zip(ids, new)])
    found.update(zip(new, ids))
    return found


def entry_steps(ctx: Context, f: dict) -> tuple[str, list[tuple[str, str, str, date]]]:
    """The state a person created from a record's fields enters and the steps that lead there
    (event, from, to, day): arrived, in a flat when the address is no shelter's, departed when the
    move-out date has come by the as-of date."""
    arrive_on = min(f.get("move_in_date") or ctx.as_of, ctx.as_of)
    leave_on = f.get("move_out_date")
    if leave_on is not None:
        arrive_on = min(arrive_on, leave_on)
    state, steps = "arrived", [("arrive", "announced", "arrived", arrive_on)]
    if is_private_address(ctx, f):
        state = "housed"
        steps.append(("move_out", "arrived", "housed", arrive_on))
    if leave_on is not None and leave_on <= ctx.as_of:
        steps.append(("depart", state, "departed", leave_on))
        state = "departed"
    return state, steps


def create_persons(ctx: Context, items: list[Item], family: dict[str, int], ids: list[int] | None = None
                   ) -> list[int]:
    """A new person per item (its (source, key) is new and no AZR number ties it to a known one); `ids`
    allocated already (record linkage decided the records under them) or allocated here."""
    if ids is None:
        ids = bulk.allocate_ids("person", len(items))
    persons, nationalities, offices, transitions, records = [], [], [], [], []
    reason = f"Lieferung {ctx.source_code} zum {ctx.as_of:%d.%m.%Y}"
    for person_id, item in zip(ids, items):
        f = item.parsed.fields
        codes = item.parsed.nationalities or [identity.UNKNOWN_NATIONALITY]
        state, steps = entry_steps(ctx, f)
        household_id = family.get(item.parsed.household_key) if item.parsed.household_key else None
        azr = None if item.azr_doubt else f.get("azr_number")
        persons.append((person_id, azr, *(f.get(c) for c in PERSON_FIELDS[1:6]), codes[0],
                        *(f.get(c) for c in PERSON_FIELDS[7:]), household_id, state, secrets.randbelow(256)))
        nationalities.extend((person_id, pos, code) for pos, code in enumerate(codes))
        offices.append((person_id, ctx.source_code, "source"))
        transitions.extend(
            ("person", person_id, ev, fr, to, on, ctx.actor, reason) for ev, fr, to, on in steps
        )
        records.append((ctx.source_code, item.parsed.key, person_id, item.values_hash, item.raw_hash,
                        ctx.delivery_id, item_identity(ctx, item)))
    # record_key: the person's fixed random key of the cell-key method (0015_record_key, NOT NULL).
    bulk.copy_rows("person", ("id", *PERSON_FIELDS, "household_id", "state", "record_key"), persons)
    bulk.copy_rows("person_nationality", ("person_id", "position", "code"), nationalities)
    bulk.copy_rows("person_office", ("person_id", "office_code", "via"), offices)
    bulk.copy_rows("transition", ("entity", "entity_id", "event", "from_state", "to_state", "occurred_on",
                                  "by_label", "reason"), transitions)
    bulk.copy_rows("source_record", ("source_code", "key", "person_id", "values_hash", "raw_hash",
                                     "created_delivery_id", "identity"), records)
    if ctx.corrected_by is not None:
        write_identity({pid: identity.derive([(ctx.source_code, json.loads(r[-1]), ctx.delivery_id)], {})
                        for pid, r in zip(ids, records)}, corrected_by=ctx.corrected_by)
    return ids


def item_identity(ctx: Context, item: Item) -> str:
    return identity.to_json(item.parsed.fields, item.parsed.nationalities, ctx.person_fields)


def update_persons(ctx: Context, items: list[Item], family: dict[str, int]) -> None:
    """Changed records and new keys linked to a known person: the record's identity is stored, the
    person's shown fields derived again by precedence (sources/identity.py), and what differs written."""
    if not items:
        return
    target = {id(i): (i.known.person_id if i.known else i.link_person_id) for i in items}
    pids = set(target.values())
    records = identity.load_records(pids)
    corrections = identity.load_corrections(pids)
    stale: list[tuple[int, str]] = []
    rehash, links, offices, offices_clear, households = [], [], [], [], []
    for item in items:
        pid = target[id(item)]
        new = item_identity(ctx, item)
        mine = [r for r in records.get(pid, []) if not (item.known and r[0] == item.known.record_id)]
        if item.known is not None:
            old = next((r[2] for r in records.get(pid, []) if r[0] == item.known.record_id), None)
            for name in identity.stale_corrections(old, json.loads(new)):
                if corrections.get(pid, {}).pop(name, None) is not None:
                    stale.append((pid, name))
            rehash.append({"id": item.known.record_id, "values_hash": item.values_hash,
                           "raw_hash": item.raw_hash, "updated_delivery_id": ctx.delivery_id,
                           "identity": new})
            if item.known.missing_since is not None:
                offices_clear.append(pid)
        else:
            offices.append(pid)
            links.append((ctx.source_code, item.parsed.key, pid, item.values_hash, item.raw_hash,
                          ctx.delivery_id, new))
        record_id = item.known.record_id if item.known else None
        records[pid] = [*mine, (record_id, ctx.source_code, json.loads(new), ctx.delivery_id)]
        hh = item.parsed.household_key
        if hh and item.link_rule is None:
            # A record linkage attached keeps the person's household (as a merge did): which family
            # the person lives with is the household's business, not a second office's family key.
            households.append({"id": pid, "household_id": family[hh]})
    identity.drop_corrections(stale)
    shown = {pid: identity.derive([(c, i, d) for _, c, i, d in recs if i is not None], corrections.get(pid,
                                                                                                       {}))
             for pid, recs in records.items()}
    changed = write_identity(shown, households={h["id"]: h["household_id"] for h in households},
                             corrected_by=ctx.corrected_by, origin=(ctx.source_code, ctx.delivery_id),
                             first_source=identity.first_sources(records))
    ctx.changed_persons.update(changed)
    bulk.update_rows("source_record", rehash, {"id": "int", "values_hash": "text", "raw_hash": "text",
                                               "updated_delivery_id": "int", "identity": "json"},
                     extra_set="missing_since = NULL")
    bulk.copy_rows("source_record", ("source_code", "key", "person_id", "values_hash", "raw_hash",
                                     "created_delivery_id", "identity"), links)
    bulk.execute_many(
        "INSERT INTO person_office (person_id, office_code, via) VALUES (:p, :o, 'source') "
        "ON CONFLICT (person_id, office_code) DO NOTHING", [{"p": p, "o": ctx.source_code} for p in offices])
    # A linked person is delivered now: the missing flag no longer applies.
    bulk.execute_many("UPDATE person SET flagged_missing_since = NULL WHERE id = :p",
                      [{"p": p} for p in offices + offices_clear])
    states = dict(bulk.select_in("SELECT id, state FROM person WHERE id IN :ids", "ids", pids))
    for item in items:
        pid = target[id(item)]
        _plan_steps(ctx, pid, states[pid], item, is_link=item.known is None)


def write_identity(shown: dict[int, dict[str, tuple]], *, households: dict[int, int] | None = None,
                   corrected_by=None, origin: tuple[str, int] | None = None,
                   first_source: dict[int, str] | None = None) -> dict[int, list[str]]:
    """Write the derived fields that differ from the stored person, with provenance per field.

    `shown` per person id is identity.derive's answer. `corrected_by` (user) marks the source-given
    values as a caseworker's correction in provenance (a re-processed quarantine record). Provenance
    is sparse (sources/models.py): a row is written for a changed field, or one whose source is not
    the person's first record's (`first_source`). Returns the changed field names per person."""
    first_source = first_source or {}
    households = households or {}
    pids = set(shown) | set(households)
    if not pids:
        return {}
    cols = ("id", *PERSON_FIELDS, "household_id")
    current = {r[0]: dict(zip(cols, r)) for r in bulk.select_in(
        f"SELECT {', '.join(cols)} FROM person WHERE id IN :ids", "ids", pids)}
    nats: dict[int, list[str]] = {}
    for pid, code in bulk.select_in("SELECT person_id, code FROM person_nationality WHERE person_id IN :ids "
                                    "ORDER BY person_id, position", "ids", pids):
        nats.setdefault(pid, []).append(code)
    # An AZR number another person holds stays with that person (linkage decides, linkage.md).
    wanted = {f["azr_number"][0]: pid for pid, f in shown.items() if f.get("azr_number", (None,))[0]}
    taken = {azr for azr, owner in bulk.select_in("SELECT azr_number, id FROM person WHERE azr_number IN :a",
                                                  "a", wanted) if owner != wanted[azr]}
    updates, provenance, nat_changed, new_nat, out = [], [], [], [], {}
    label = getattr(corrected_by, "email", None)
    for pid in pids:
        row = current[pid]
        fields = shown.get(pid, {})
        values = dict(row)
        changed = []
        for name, (value, given_by) in fields.items():
            if name == "nationalities":
                codes = list(value or []) or [identity.UNKNOWN_NATIONALITY]
                if nats.get(pid, []) != codes:
                    nat_changed.append(pid)
                    new_nat.extend((pid, pos, code) for pos, code in enumerate(codes))
                    changed.append(name)
            else:
                if name == "nationality" and value is None:
                    value = identity.UNKNOWN_NATIONALITY
                if name == "azr_number" and value in taken:
                    continue
                if _plain(values[name]) != _plain(value):
                    values[name] = value
                    changed.append(name)
            moved = name in changed or name == "nationality" and "nationalities" in changed
            if given_by[0] == "source" and (moved or corrected_by is not None
                                            or given_by[1] != first_source.get(pid)):
                provenance.append({"person_id": pid, "field": name, "source_code": given_by[1],
                                   "delivery_id": given_by[2],
                                   "corrected_by_id": getattr(corrected_by, "id", None),
                                   "corrected_by_label": label})
        if pid in households and values["household_id"] != households[pid]:
            values["household_id"] = households[pid]
            changed.append("household_id")
            provenance.append({"person_id": pid, "field": "household_id", "source_code": origin[0],
                               "delivery_id": origin[1], "corrected_by_id": getattr(corrected_by, "id", None),
                               "corrected_by_label": label})
        if changed:
            updates.append(values)
            out[pid] = changed
    bulk.update_rows("person", updates, PERSON_TYPES, extra_set="flagged_missing_since = NULL, "
                     "updated_at = CURRENT_TIMESTAMP")
    bulk.execute_many("DELETE FROM person_nationality WHERE person_id = :p", [{"p": p} for p in nat_changed])
    bulk.copy_rows("person_nationality", ("person_id", "position", "code"), new_nat)
    bulk.upsert_rows("field_provenance", provenance, PROVENANCE_TYPES, conflict=("person_id", "field"),
                     extra_set="set_at = CURRENT_TIMESTAMP, value = NULL")
    return out


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _plan_steps(ctx: Context, person_id: int, state: str, item: Item, *, is_link: bool) -> None:
    f = item.parsed.fields
    reason = f"Lieferung {ctx.source_code} zum {ctx.as_of:%d.%m.%Y}"
    if is_link and state == PersonState.announced:
        arrive_on = min(f.get("move_in_date") or ctx.as_of, ctx.as_of)
        ctx.steps.append((person_id, "arrive", arrive_on, reason))
        if is_private_address(ctx, f):
            ctx.steps.append((person_id, "move_out", arrive_on, reason))
    leave_on = f.get("move_out_date")
    if leave_on is not None and leave_on <= ctx.as_of and state != PersonState.departed:
        ctx.steps.append((person_id, "depart", leave_on, reason))


def plan_due_departures(ctx: Context, known: dict) -> None:
    """`depart`, dated on the move-out date, for persons of unchanged records whose move-out date the
    as-of date has reached (changed and new records plan their own steps). `departed` is final, so
    an identical re-import finds nobody the second time."""
    # Persons due, of any source: a plain scan of person, few rows; joined with source_record, the
    # planner loops over every record of the source while the statistics lag behind a bulk import.
    rows = bulk.fetch_all("SELECT id, move_out_date FROM person WHERE move_out_date <= :d AND state <> "
                          "'departed' AND anonymised_at IS NULL ORDER BY id", {"d": ctx.as_of})
    if not rows:
        return
    mine = {k.person_id for k in known.values() if k.unchanged}
    planned = {person_id for person_id, event, _, _ in ctx.steps if event == "depart"}
    reason = f"Lieferung {ctx.source_code} zum {ctx.as_of:%d.%m.%Y}: Wegzugsdatum erreicht"
    for person_id, leave_on in rows:
        if person_id in mine and person_id not in planned:
            if isinstance(leave_on, str):  # SQLite returns dates of plain SQL as text
                leave_on = date.fromisoformat(leave_on)
            ctx.steps.append((person_id, "depart", leave_on, reason))


REHASH_BATCH = 50_000


def mark_missing_and_returned(ctx: Context, plan: Plan, known: dict) -> int:
    """Flag persons of the source absent from this snapshot (never deleted); clear it for the returned."""
    missing = [k for k in known.values() if not k.seen]
    fresh = [
        {"id": k.record_id, "p": k.person_id, "d": ctx.as_of} for k in missing if k.missing_since is None
    ]
    bulk.execute_many("UPDATE source_record SET missing_since = :d WHERE id = :id", fresh)
    bulk.execute_many("UPDATE person SET flagged_missing_since = :d WHERE id = :p "
                      "AND flagged_missing_since IS NULL", fresh)
    back = [{"id": k.record_id, "p": k.person_id} for k in plan.reappeared]
    bulk.execute_many("UPDATE source_record SET missing_since = NULL WHERE id = :id", back)
    bulk.execute_many("UPDATE person SET flagged_missing_since = NULL WHERE id = :p", back)
    for start in range(0, len(plan.rehash), REHASH_BATCH):  # a million at once took 350 MB more
        bulk.update_rows("source_record", [{"id": rid, "raw_hash": rh}
                                           for rid, rh in plan.rehash[start:start + REHASH_BATCH]],
                         {"id": "int", "raw_hash": "text"})
    return len(missing)
