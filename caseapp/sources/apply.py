"""Writing a classified delivery: new persons in bulk, changed ones field by field, provenance, flags.

New persons enter the lifecycle in bulk: `arrive` (announced -> arrived), then `move_out` when their
address is a private one (not a shelter's) and `depart` when their move-out date lies on or before the
as-of date, each as a Transition row with the source as actor. Existing persons change state only
through `run_transition`, so stays are closed and the audit is written exactly as for a caseworker.
A move-out date delivered ahead of time comes due with a later snapshot even when the record is
unchanged then: `plan_due_departures` finds those persons with one query instead of re-reading records.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text

from caseapp.sources import bulk
from caseapp.sources.importer import Item, Plan

PERSON_FIELDS = ("azr_number", "family_name", "given_names", "birth_date", "birth_precision", "sex",
                 "nationality", "residence_status", "legal_basis", "entry_date", "move_in_date",
                 "move_out_date", "street", "house_number", "postcode", "city", "district_number")
DATE_FIELDS = {"birth_date", "entry_date", "move_in_date", "move_out_date"}
PERSON_TYPES = {"id": "int", **{c: ("date" if c in DATE_FIELDS else "text") for c in PERSON_FIELDS},
                "household_id": "int"}
# A delivered empty AZR number does not erase a known one: the number is for life.
KEEP_WHEN_EMPTY = {"azr_number"}


@dataclass
class Context:
    source_code: str
    delivery_id: int
    as_of: date
    actor: str
    shelter_addresses: set[tuple[str, str]] = field(default_factory=set)
    # Existing persons whose lifecycle must move after the bulk writes: (person id, event, date, reason).
    steps: list[tuple[int, str, date, str]] = field(default_factory=list)


def load_shelter_addresses() -> set[tuple[str, str]]:
    rows = bulk.connection().execute(text("SELECT street, house_number FROM shelter WHERE street IS NOT NULL"))
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
    bulk.copy_rows("household", ("id", "label"), [(i, f"Familie {k} ({ctx.source_code})") for i, k in zip(ids, new)])
    bulk.copy_rows("source_household", ("source_code", "key", "household_id"),
                   [(ctx.source_code, k, i) for i, k in zip(ids, new)])
    found.update(zip(new, ids))
    return found


def create_persons(ctx: Context, items: list[Item], family: dict[str, int]) -> list[int]:
    """A new person per item (its (source, key) is new and no AZR number ties it to a known one)."""
    ids = bulk.allocate_ids("person", len(items))
    persons, nationalities, offices, transitions, records = [], [], [], [], []
    reason = f"Lieferung {ctx.source_code} zum {ctx.as_of:%d.%m.%Y}"
    for person_id, item in zip(ids, items):
        f = item.parsed.fields
        arrive_on = min(f["move_in_date"] or ctx.as_of, ctx.as_of)
        leave_on = f["move_out_date"]
        if leave_on is not None:
            arrive_on = min(arrive_on, leave_on)
        state, steps = "arrived", [("arrive", "announced", "arrived", arrive_on)]
        if is_private_address(ctx, f):
            state = "housed"
            steps.append(("move_out", "arrived", "housed", arrive_on))
        if leave_on is not None and leave_on <= ctx.as_of:
            steps.append(("depart", state, "departed", leave_on))
            state = "departed"
        household_id = family.get(item.parsed.household_key) if item.parsed.household_key else None
        persons.append((person_id, *(f[c] for c in PERSON_FIELDS), household_id, state))
        nationalities.extend((person_id, pos, code) for pos, code in enumerate(item.parsed.nationalities))
        offices.append((person_id, ctx.source_code, "source"))
        transitions.extend(("person", person_id, ev, fr, to, on, ctx.actor, reason) for ev, fr, to, on in steps)
        records.append((ctx.source_code, item.parsed.key, person_id, item.values_hash, item.raw_hash,
                        ctx.delivery_id))
    bulk.copy_rows("person", ("id", *PERSON_FIELDS, "household_id", "state"), persons)
    bulk.copy_rows("person_nationality", ("person_id", "position", "code"), nationalities)
    bulk.copy_rows("person_office", ("person_id", "office_code", "via"), offices)
    bulk.copy_rows("transition", ("entity", "entity_id", "event", "from_state", "to_state", "occurred_on",
                                  "by_label", "reason"), transitions)
    bulk.copy_rows("source_record", ("source_code", "key", "person_id", "values_hash", "raw_hash",
                                     "created_delivery_id"), records)
    return ids


def update_persons(ctx: Context, items: list[Item], family: dict[str, int]) -> None:
    """Changed records and new keys linked to a known person: write the fields that differ."""
    if not items:
        return
    target = {id(i): (i.known.person_id if i.known else i.link_person_id) for i in items}
    cols = ", ".join(("id", *PERSON_FIELDS, "household_id", "state"))
    current = {r[0]: r for r in bulk.select_in(f"SELECT {cols} FROM person WHERE id IN :ids", "ids",
                                               set(target.values()))}
    nat_rows = bulk.select_in("SELECT person_id, code FROM person_nationality WHERE person_id IN :ids "
                              "ORDER BY person_id, position", "ids", set(target.values()))
    current_nat: dict[int, list[str]] = {}
    for pid, code in nat_rows:
        current_nat.setdefault(pid, []).append(code)

    updates, provenance, nat_changed, new_nat, offices, links, rehash = [], [], [], [], [], [], []
    offices_clear: list[int] = []
    for item in items:
        pid = target[id(item)]
        row = current[pid]
        values = dict(zip(("id", *PERSON_FIELDS, "household_id", "state"), row))
        changed = []
        for name in PERSON_FIELDS:
            new = item.parsed.fields[name]
            if new is None and name in KEEP_WHEN_EMPTY:
                continue
            if values[name] != new:
                values[name] = new
                changed.append(name)
        hh = item.parsed.household_key
        if hh and values["household_id"] != family.get(hh):
            values["household_id"] = family[hh]
            changed.append("household_id")
        if current_nat.get(pid, []) != item.parsed.nationalities:
            nat_changed.append(pid)
            new_nat.extend((pid, pos, code) for pos, code in enumerate(item.parsed.nationalities))
            changed.append("nationalities")
        if changed:
            updates.append({k: v for k, v in values.items() if k != "state"})
            provenance.extend({"person_id": pid, "field": name, "source_code": ctx.source_code,
                               "delivery_id": ctx.delivery_id} for name in changed)
        if item.known is not None and item.known.missing_since is not None:
            offices_clear.append(pid)
        if item.known is not None:
            rehash.append({"id": item.known.record_id, "values_hash": item.values_hash,
                           "raw_hash": item.raw_hash, "updated_delivery_id": ctx.delivery_id})
        else:
            offices.append(pid)
            links.append((ctx.source_code, item.parsed.key, pid, item.values_hash, item.raw_hash, ctx.delivery_id))
        _plan_steps(ctx, pid, values["state"], item, is_link=item.known is None)

    bulk.update_rows("person", updates, PERSON_TYPES,
                     extra_set="flagged_missing_since = NULL, updated_at = CURRENT_TIMESTAMP")
    bulk.execute_many("DELETE FROM person_nationality WHERE person_id = :p", [{"p": p} for p in nat_changed])
    bulk.copy_rows("person_nationality", ("person_id", "position", "code"), new_nat)
    bulk.upsert_rows("field_provenance", provenance, {"person_id": "int", "field": "text", "source_code": "text",
                                                      "delivery_id": "int"},
                     conflict=("person_id", "field"), extra_set="set_at = CURRENT_TIMESTAMP")
    bulk.update_rows("source_record", rehash, {"id": "int", "values_hash": "text", "raw_hash": "text",
                                               "updated_delivery_id": "int"}, extra_set="missing_since = NULL")
    bulk.copy_rows("source_record", ("source_code", "key", "person_id", "values_hash", "raw_hash",
                                     "created_delivery_id"), links)
    bulk.execute_many(
        "INSERT INTO person_office (person_id, office_code, via) VALUES (:p, :o, 'source') "
        "ON CONFLICT (person_id, office_code) DO NOTHING", [{"p": p, "o": ctx.source_code} for p in offices])
    # A linked person is delivered now: the missing flag no longer applies.
    bulk.execute_many("UPDATE person SET flagged_missing_since = NULL WHERE id = :p",
                      [{"p": p} for p in offices + offices_clear])


def _plan_steps(ctx: Context, person_id: int, state: str, item: Item, *, is_link: bool) -> None:
    f = item.parsed.fields
    reason = f"Lieferung {ctx.source_code} zum {ctx.as_of:%d.%m.%Y}"
    if is_link and state == "announced":
        arrive_on = min(f["move_in_date"] or ctx.as_of, ctx.as_of)
        ctx.steps.append((person_id, "arrive", arrive_on, reason))
        if is_private_address(ctx, f):
            ctx.steps.append((person_id, "move_out", arrive_on, reason))
    leave_on = f["move_out_date"]
    if leave_on is not None and leave_on <= ctx.as_of and state != "departed":
        ctx.steps.append((person_id, "depart", leave_on, reason))


def plan_due_departures(ctx: Context, unchanged_keys: set[str], known: dict) -> None:
    """`depart`, dated on the move-out date, for persons of unchanged records whose move-out date the
    as-of date has reached (changed and new records plan their own steps). `departed` is final, so
    an identical re-import finds nobody the second time."""
    # Persons due, of any source: a plain scan of person, few rows; joined with source_record, the
    # planner loops over every record of the source while the statistics lag behind a bulk import.
    rows = bulk.fetch_all("SELECT id, move_out_date FROM person WHERE move_out_date <= :d AND state <> 'departed' "
                          "AND anonymised_at IS NULL ORDER BY id", {"d": ctx.as_of})
    if not rows:
        return
    mine = {known[key].person_id for key in unchanged_keys if key in known}
    planned = {person_id for person_id, event, _, _ in ctx.steps if event == "depart"}
    reason = f"Lieferung {ctx.source_code} zum {ctx.as_of:%d.%m.%Y}: Wegzugsdatum erreicht"
    for person_id, leave_on in rows:
        if person_id in mine and person_id not in planned:
            if isinstance(leave_on, str):  # SQLite returns dates of plain SQL as text
                leave_on = date.fromisoformat(leave_on)
            ctx.steps.append((person_id, "depart", leave_on, reason))


def mark_missing_and_returned(ctx: Context, plan: Plan, known: dict) -> int:
    """Flag persons of the source absent from this snapshot (never deleted); clear it for the returned."""
    missing = [k for key, k in known.items() if key not in plan.seen]
    fresh = [{"id": k.record_id, "p": k.person_id, "d": ctx.as_of} for k in missing if k.missing_since is None]
    bulk.execute_many("UPDATE source_record SET missing_since = :d WHERE id = :id", fresh)
    bulk.execute_many("UPDATE person SET flagged_missing_since = :d WHERE id = :p "
                      "AND flagged_missing_since IS NULL", fresh)
    back = [{"id": k.record_id, "p": k.person_id} for k in plan.reappeared]
    bulk.execute_many("UPDATE source_record SET missing_since = NULL WHERE id = :id", back)
    bulk.execute_many("UPDATE person SET flagged_missing_since = NULL WHERE id = :p", back)
    bulk.update_rows("source_record", [{"id": rid, "raw_hash": rh} for rid, rh in plan.rehash],
                     {"id": "int", "raw_hash": "text"})
    return len(missing)
