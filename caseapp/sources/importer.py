"""Sorting a delivery's records into unchanged, new, changed and rejected, before anything is written.

The known state of the source (key -> record id, person, hashes) is read once; an identical line is
recognised by its raw hash without being parsed, a re-formatted but equal one by the hash of its
normalised values. Only new and changed records are validated, so a nightly re-delivery costs little.

The AZR number is the federal key of a human, so persons are pooled by it: a new key whose AZR
number belongs to a person known only from elsewhere (registered by hand by another office, or
delivered by another source) is linked to that person, but only when the record plausibly
describes the same human: its birth date fits the stored one (a partly unknown date, e.g.
00.05.1990, fits every day of its month or year) and its sex is the same unless either is `x`.
Otherwise it is a conflict, like a number that already belongs to another key of this source or
to an earlier line of the file: the record is rejected, the message naming both keys (the other
person by its number and its source keys, never by its personal data).
"""
from __future__ import annotations

import calendar
import hashlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from caseapp.sources import bulk
from caseapp.sources.registry import Adapter, Parsed, RawRecord, ReadFile

PROGRESS_EVERY = 5000


@dataclass(slots=True)
class Known:
    key: str
    record_id: int
    person_id: int
    raw_hash: int | str | None  # as a number once loaded (load_known)
    values_hash: str | None  # read only when needed (classify)
    missing_since: date | None
    # Set while a delivery is sorted (on the known record, not in sets of a million keys beside it):
    # the index of the line recognised by its raw hash (-1: none), the number of the key's first line in
    # this file (0: not delivered), and whether it was delivered exactly as last time (its move-out date
    # may have come due since).
    fast: int = -1
    line: int = 0
    unchanged: bool = False

    @property
    def seen(self) -> bool:
        return self.line > 0


@dataclass(slots=True)
class Item:
    record: RawRecord
    values: dict
    parsed: Parsed
    values_hash: str
    raw_hash: str
    known: Known | None = None
    # Set when a new key is linked to a person already known from elsewhere by the same AZR number.
    link_person_id: int | None = None
    # How it was linked when not by the AZR number here: "model" or "azr" (record linkage, linkage/hooks.py).
    link_rule: str | None = None
    # Another person holds the record's AZR number but does not fit it (a source other than abh): the
    # record stays its own person, without the number, for record linkage to put before a person.
    azr_doubt: int | None = None


@dataclass(slots=True)
class Reject:
    record: RawRecord
    key: str | None
    values: dict
    errors: list[dict]


@dataclass
class Plan:
    records: int = 0
    unchanged: int = 0
    creates: list[Item] = field(default_factory=list)
    updates: list[Item] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    # (record id, raw hash) of unchanged records whose line was re-formatted.
    rehash: list[tuple[int, str]] = field(default_factory=list)
    # Known records delivered again (unchanged or not) that were flagged missing before.
    reappeared: list[Known] = field(default_factory=list)


def load_known(source_code: str) -> dict[str, Known]:
    """The source's records as the importer needs them. The values hash is read only for the records
    that are not recognised by their raw hash (`classify`), and the raw hash is kept as a number: at a
    million records the two strings took about 115 MB."""
    rows = bulk.iter_rows("SELECT key, id, person_id, raw_hash, missing_since FROM "
                          "source_record WHERE source_code = :c", {"c": source_code})
    return {r[0]: Known(r[0], r[1], r[2], _compact(r[3]), None, r[4]) for r in rows}


def _compact(raw_hash: int | str | None) -> int | str | None:
    """A raw hash (hex digits) as the number it spells; anything else (a number already) as it is."""
    if not isinstance(raw_hash, str):
        return raw_hash
    try:
        return int(raw_hash, 16) if raw_hash else None
    except ValueError:
        return raw_hash


VALUES_BATCH = 5000


def _fill_values_hashes(source_code: str, known: dict[str, Known], keys) -> None:
    """Read the stored values hash of the given known keys that lack it (load_known leaves it out)."""
    wanted = {key for key in keys if key in known and known[key].values_hash is None}
    if not wanted:
        return
    for key, values_hash in bulk.select_in("SELECT key, values_hash FROM source_record WHERE source_code = "
                                           ":c AND key IN :keys", "keys", wanted, {"c": source_code}):
        known[key].values_hash = values_hash


def hash_tag(read: ReadFile) -> str:
    """The column order's part of a raw hash: the same bytes under another header are another line."""
    return hashlib.md5(";".join(read.header).encode(), usedforsecurity=False).hexdigest()[:8]


def raw_hash(read: ReadFile, index: int, tag: str) -> str:
    """The fast path's fingerprint of the record starting at line `index`: the hash of its bytes (a
    record spanning lines: joined by LF, CRs at line ends left out) plus the column order's tag."""
    return hashlib.md5(read.raw(index), usedforsecurity=False).hexdigest()[:24] + tag


def _reject(plan: Plan, rec: RawRecord, key, values, errors) -> None:
    plan.rejects.append(Reject(rec, key, values, [
        {"line": rec.line, "column": column, "message": message} for column, message in errors
    ]))


def _duplicate(adapter: Adapter, plan: Plan, rec: RawRecord, key: str, values: dict, first: int) -> None:
    _reject(plan, rec, key, values, [(adapter.key_column, (
        f"Die {adapter.key_column} '{key}' kommt in dieser Datei schon in Zeile {first} vor; nur die erste "
        "Zeile zählt. Bitte die doppelte Zeile im Fachverfahren bereinigen."))])


def classify(adapter: Adapter, read: ReadFile, known: dict[str, Known], as_of: date,
             progress: Callable[[int], None] | None = None) -> Plan:
    plan = Plan(records=read.count)
    tag = hash_tag(read)
    by_raw = {_compact(k.raw_hash): k for k in known.values() if k.raw_hash}
    # The records not recognised by their raw hash (their hash is computed again when needed: a
    # million kept hashes took more memory than hashing a line twice takes time).
    slow = array("q")
    # Fast path: a line identical to the one last delivered is unchanged; no parsing at all.
    for index in read.indexes:
        k = by_raw.get(_compact(raw_hash(read, index, tag)))
        if k is None or k.fast >= 0:
            slow.append(index)
            continue
        k.fast, k.line, k.unchanged = index, index + 1, True
        plan.unchanged += 1
        if k.missing_since is not None:
            plan.reappeared.append(k)
    del by_raw
    # Line numbers of the new keys read so far (a known key's is on its record).
    first_line: dict[str, int] = {}
    azr_line: dict[str, tuple[int, str]] = {}
    for n, (index, rec, values) in enumerate(_in_batches(adapter, read, slow, known), start=1):
        if progress and n % PROGRESS_EVERY == 0:
            progress(plan.unchanged + n)
        key = values.get(adapter.key_column) or ""
        k = known.get(key)
        if k is not None and k.fast > index:
            # A later identical line took the fast path, but the first line of a key counts.
            later = read.record(k.fast)
            k.fast, k.line, k.unchanged = -1, 0, False
            plan.unchanged -= 1
            plan.reappeared = [r for r in plan.reappeared if r.key != key]
            _duplicate(adapter, plan, later, key, read.values(later), rec.line)
        prior = k.line if k is not None else first_line.get(key)
        if prior:
            _duplicate(adapter, plan, rec, key, values, prior)
            continue
        if k is not None:
            k.line = rec.line
        elif key:
            first_line[key] = rec.line
        values_hash = adapter.values_hash(values)
        if k is not None and k.values_hash == values_hash and not rec.errors:
            plan.unchanged += 1
            k.unchanged = True
            plan.rehash.append((k.record_id, raw_hash(read, index, tag)))
            if k.missing_since is not None:
                plan.reappeared.append(k)
            continue
        if rec.errors:
            # A record whose CSV form is broken has no trustworthy values: its one error says why.
            _reject(plan, rec, adapter.key_of(values), values, rec.errors)
            continue
        parsed, errors = adapter.parse(values, as_of)
        azr_column = adapter.azr_column
        azr = values.get(azr_column) if azr_column else None
        if azr and not any(c == azr_column for c, _ in errors):
            if azr in azr_line and azr_line[azr][1] != key:
                line, other = azr_line[azr]
                errors.append((azr_column, (
                    f"Die AZR-Nummer {azr} steht schon in Zeile {line} bei {adapter.key_column} '{other}'; "
                    f"sie kann nicht auch zu {adapter.key_column} '{key}' gehören. Bitte klären, "
                    "welcher Person sie zusteht.")))
            else:
                azr_line.setdefault(azr, (rec.line, key))
        if errors:
            _reject(plan, rec, adapter.key_of(values), values, errors)
            continue
        item = Item(rec, values, parsed, values_hash, raw_hash(read, index, tag), known=k)
        (plan.updates if k is not None else plan.creates).append(item)
    return plan


def _in_batches(adapter: Adapter, read: ReadFile, indexes, known: dict[str, Known]):
    """(index, record, values) of the given lines, the known records' values hashes read a batch of
    VALUES_BATCH lines ahead."""
    for start in range(0, len(indexes), VALUES_BATCH):
        batch = []
        for index in indexes[start:start + VALUES_BATCH]:
            rec = read.record(index)
            batch.append((index, rec, read.values(rec)))
        _fill_values_hashes(adapter.code, known, (v.get(adapter.key_column) for _, _, v in batch))
        yield from batch


def _birth_span(day: date, precision: str) -> tuple[date, date]:
    """The days a stored birth date stands for: one day, its month, or its year (partly unknown)."""
    if precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if precision == "month":
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day, day


def differences(fields: dict, birth_date: date, birth_precision: str, sex: str) -> list[str]:
    """What makes a record implausible as the same human as a stored person (German field names)."""
    found = []
    if isinstance(birth_date, str):  # SQLite returns dates of plain SQL as text
        birth_date = date.fromisoformat(birth_date[:10])
    mine = _birth_span(fields["birth_date"], fields["birth_precision"])
    theirs = _birth_span(birth_date, birth_precision)
    if mine[1] < theirs[0] or theirs[1] < mine[0]:
        found.append("das Geburtsdatum")
    if fields["sex"] != sex and "x" not in (fields["sex"], sex):
        found.append("das Geschlecht")
    return found


def check_azr_owners(adapter: Adapter, source_code: str, plan: Plan) -> None:
    """The AZR rule against the database (see the module docstring): a conflict is rejected naming
    both keys; a new key is linked to a person known only from elsewhere when it is the same human."""
    wanted = {i.parsed.fields["azr_number"]: i for i in plan.creates + plan.updates
              if i.parsed.fields.get("azr_number")}
    if not wanted:
        return
    rows = bulk.select_in(
        "SELECT p.azr_number, p.id, sr.key, p.birth_date, p.birth_precision, p.sex FROM person p "
        "LEFT JOIN source_record sr ON sr.person_id = p.id AND sr.source_code = :c WHERE p.azr_number IN "
        ":azrs",
        "azrs", wanted, {"c": source_code})
    conflicts: list[tuple[Item, str, int, str | None, list[str]]] = []
    for azr, person_id, other_key, birth_date, birth_precision, sex in rows:
        item = wanted[azr]
        if item.known is not None and item.known.person_id == person_id:
            continue
        if item.known is None and other_key is None:
            differ = differences(item.parsed.fields, birth_date, birth_precision, sex)
            if not differ:
                item.link_person_id = person_id
                continue
            conflicts.append((item, azr, person_id, None, differ))
            continue
        conflicts.append((item, azr, person_id, other_key, []))
    if not conflicts:
        return
    if not getattr(adapter, "azr_conflict_rejects", True):
        for item, _azr, person_id, _other, _differ in conflicts:
            item.azr_doubt = person_id
        return
    # The other person is named by its keys only, never by its personal data.
    elsewhere: dict[int, list[str]] = {}
    for person_id, code, key in bulk.select_in(
            "SELECT person_id, source_code, key FROM source_record WHERE person_id IN :ids ORDER BY "
            "source_code",
            "ids", {c[2] for c in conflicts if c[3] is None}):
        elsewhere.setdefault(person_id, []).append(f"{code} '{key}'")
    for item, azr, person_id, other_key, differ in conflicts:
        mine = f"{adapter.key_column} '{item.parsed.key}'"
        if other_key:
            message = (f"Die AZR-Nummer {azr} gehört bereits zu {adapter.key_column} '{other_key}'; sie kann "
                       f"nicht auch zu {mine} gehören. Bitte im Fachverfahren klären.")
        else:
            keys = elsewhere.get(person_id)
            named = f"Person Nr. {person_id}" + (f" (Schlüssel {', '.join(keys)})" if keys else "")
            message = (f"Die AZR-Nummer {azr} gehört bereits zu {named}, aber {' und '.join(differ)} "
                       f"{'passen' if len(differ) > 1 else 'passt'} nicht zu {mine}; es ist wohl nicht "
                       "dieselbe Person. Bitte die AZR-Nummer im Fachverfahren prüfen.")
        _reject(plan, item.record, item.parsed.key, item.values, [(adapter.azr_column, message)])
    conflicted = {id(c[0]) for c in conflicts}
    if conflicted:
        plan.creates = [i for i in plan.creates if id(i) not in conflicted]
        plan.updates = [i for i in plan.updates if id(i) not in conflicted]


def check_erased(adapter: Adapter, source_code: str, plan: Plan) -> None:
    """A new key (or AZR number) of a person anonymised earlier is not created again, but held for review."""
    if not plan.creates:
        return
    try:
        from caseapp.privacy.markers import AZR, marker
        from caseapp.privacy.models import ErasedKey
    except ImportError:  # privacy area not installed
        return
    probes: dict[str, list[Item]] = {}
    for item in plan.creates:
        probes.setdefault(marker(source_code, item.parsed.key), []).append(item)
        azr = item.parsed.fields.get("azr_number")
        if azr:
            probes.setdefault(marker(AZR, azr), []).append(item)
    rows = bulk.select_in(f"SELECT marker FROM {ErasedKey.__tablename__} WHERE marker IN :m", "m", probes)
    held = {id(i): i for (m,) in rows for i in probes[m]}
    for item in held.values():
        _reject(plan, item.record, item.parsed.key, item.values, [(adapter.key_column, (
            "Zu diesem Schlüssel oder dieser AZR-Nummer wurden die Daten einer Person bereits gelöscht "
            "(anonymisiert). Der Datensatz wird nicht neu angelegt; bitte prüfen, ob die Person erneut "
            "erfasst werden darf."))])
    plan.creates = [i for i in plan.creates if id(i) not in held]
