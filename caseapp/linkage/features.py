"""The comparison columns of one record, from a person row or a generated one (the same code for both).

Read from the database in three set-based queries (persons, nationalities, source records), so
200,000 known persons load in a few seconds; names repeat a lot, so the name forms are cached.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from caseapp.linkage import normalise as nm

COLUMNS = ("unique_id", "fam", "fam_ph", "giv", "giv_sorted", "giv_first", "giv_ph", "dob", "dob_ym",
           "dob_year", "dob_swap", "dob_placeholder", "sex", "nat", "nats", "postcode", "street", "azr")


@dataclass(slots=True)
class Identity:
    """The identifying core of one record, as stored on a person."""

    id: int
    family_name: str | None
    given_names: str | None
    birth_date: object
    birth_precision: str
    sex: str
    nationalities: list[str]
    postcode: str | None = None
    street: str | None = None
    house_number: str | None = None
    azr_number: str | None = None


@lru_cache(maxsize=200_000)
def _names(family: str | None, given: str | None) -> tuple:
    """The name columns of one (family, given) pair; names repeat a lot, so they are computed once."""
    return (nm.canonical(family) or None, nm.phonetic(family) or None, nm.canonical(given) or None,
            nm.sorted_tokens(given) or None, nm.first_token(given) or None, nm.phonetic(given) or None)


@lru_cache(maxsize=100_000)
def _birth(birth_date, precision: str) -> tuple:
    y, m, d = nm.birth_parts(birth_date, precision)
    dob = f"{y:04d}-{m:02d}-{d:02d}" if d else None
    swapped = f"{y:04d}-{d:02d}-{m:02d}" if d and d <= 12 and d != m else None
    return dob, f"{y:04d}-{m:02d}" if m else None, y, swapped, bool(d and m == 1 and d == 1)


@lru_cache(maxsize=200_000)
def _street(street: str | None, house_number: str | None) -> str | None:
    if not street:
        return None
    return (nm.joined(street) + (nm.joined(house_number) if house_number else "")) or None


def row(ident: Identity, swap: bool = False) -> tuple:
    """One row of COLUMNS; `swap` exchanges family and given names (a source that wrote them the other
    way)."""
    family, given = (ident.given_names, ident.family_name) if swap else (ident.family_name, ident.given_names)
    sex = ident.sex if ident.sex in ("m", "w") else None
    nats = [n for n in ident.nationalities if n and n not in ("XXX", "XXA", "XXB")]
    return (-ident.id if swap else ident.id, *_names(family, given),
            *_birth(ident.birth_date, ident.birth_precision), sex, nats[0] if nats else None,
            "|" + "|".join(nats) + "|" if nats else None, ident.postcode or None,
            _street(ident.street, ident.house_number), ident.azr_number or None)


def load_identities(person_ids=None) -> list[Identity]:
    """Persons from the database (all, or the given ids), anonymised ones left out."""
    from caseapp.sources import bulk

    where, params = "WHERE anonymised_at IS NULL", {}
    cols = ("id, family_name, given_names, birth_date, birth_precision, sex, nationality, postcode, street, "
            "house_number, azr_number")
    if person_ids is None:
        rows = bulk.fetch_all(f"SELECT {cols} FROM person {where}", params)
        nat_rows = bulk.fetch_all("SELECT person_id, code FROM person_nationality ORDER BY person_id, "
                                  "position",
                                  {})
    else:
        ids = list(person_ids)
        rows = bulk.select_in(f"SELECT {cols} FROM person {where} AND id IN :ids", "ids", ids)
        nat_rows = bulk.select_in("SELECT person_id, code FROM person_nationality WHERE person_id IN :ids "
                                  "ORDER BY person_id, position", "ids", ids)
    nats: dict[int, list[str]] = {}
    for pid, code in nat_rows:
        nats.setdefault(pid, []).append(code)
    return [Identity(r[0], r[1], r[2], r[3], r[4], r[5], nats.get(r[0]) or [r[6]], r[7], r[8], r[9], r[10])
            for r in rows]


def load_sources(person_ids=None) -> dict[int, set[str]]:
    """Which sources each person is known from (a source never links to its own other record)."""
    from caseapp.sources import bulk

    if person_ids is None:
        rows = bulk.fetch_all("SELECT person_id, source_code FROM source_record", {})
    else:
        rows = bulk.select_in("SELECT person_id, source_code FROM source_record WHERE person_id IN :ids",
                              "ids", list(person_ids))
    found: dict[int, set[str]] = {}
    for pid, code in rows:
        found.setdefault(pid, set()).add(code)
    return found


# Splink's blocking rules (model.blocking_rules) as positions in COLUMNS: a pair is compared when it
# agrees on every column of one rule.
BLOCKING_KEYS = (("fam_ph", "dob_year"), ("giv_ph", "dob_year"), ("dob",), ("fam_ph", "giv_ph"), ("azr",))
# The columns whose exact agreement is weighed by its term frequency (model.comparisons).
TF_COLUMNS = ("fam", "giv", "dob")
_POS = {c: i for i, c in enumerate(COLUMNS)}


def block_keys(values: tuple) -> list[tuple]:
    """The blocking keys of one row of COLUMNS (a key with an empty part blocks nothing)."""
    out = []
    for n, cols in enumerate(BLOCKING_KEYS):
        key = tuple(values[_POS[c]] for c in cols)
        if all(v is not None for v in key):
            out.append((n, *key))
    return out


def tf_counts(rows) -> dict[str, dict]:
    """{column: {value: count}} over rows of COLUMNS, for the term-frequency columns."""
    from collections import Counter

    counts = {c: Counter() for c in TF_COLUMNS}
    for values in rows:
        for c in TF_COLUMNS:
            v = values[_POS[c]]
            if v is not None:
                counts[c][v] += 1
    return counts


@dataclass
class Blocked:
    """The persons that share a blocking key with a delivery, and the term frequencies of everyone."""

    known: dict[int, Identity]
    counts: dict[str, dict]
    population: int


def blocked_identities(incoming: dict[int, Identity], persons=None) -> Blocked:
    """Everyone known who shares a blocking key with one of the incoming records (as written or with
    family and given names exchanged), and the term frequencies over everyone known and the incoming.

    Reads the persons as a stream (`persons`: tuples of id, family name, given names, birth date, its
    precision, sex, nationality, postcode, street, house number, AZR number; by default every person of
    the database through a server-side cursor), keeping only those that can be compared at all: a
    delivery of a few hundred records against a million persons holds a few thousand identities, not a
    million. The scores are those of scoring against everyone: a block's members are all kept, and the
    term frequencies are counted over the same records Splink would count them over."""
    wanted = set()
    for ident in incoming.values():
        for swap in (False, True):
            wanted.update(block_keys(row(ident, swap=swap)))
    kept: dict[int, Identity] = {}
    counts = tf_counts(row(i) for i in incoming.values())
    population = len(incoming)
    fam, giv, dob = counts["fam"], counts["giv"], counts["dob"]
    for r in persons if persons is not None else _stream_persons():
        if r[0] in incoming:
            continue
        # (id, family, given, birth date, precision, sex, nationality, postcode, street, number, azr):
        # only the blocking and term-frequency columns, from the same cached functions as `row`.
        names, birth = _names(r[1], r[2]), _birth(r[3], r[4])
        population += 1
        if names[0] is not None:
            fam[names[0]] += 1
        if names[2] is not None:
            giv[names[2]] += 1
        if birth[0] is not None:
            dob[birth[0]] += 1
        keys = ((0, names[1], birth[2]), (1, names[5], birth[2]), (2, birth[0]), (3, names[1], names[5]),
                (4, r[10] or None))
        if any(k in wanted for k in keys if None not in k):
            kept[r[0]] = Identity(r[0], r[1], r[2], r[3], r[4], r[5], [r[6]], r[7], r[8], r[9], r[10])
    if persons is None and kept:
        nats: dict[int, list[str]] = {}
        from caseapp.sources import bulk

        for pid, code in bulk.select_in("SELECT person_id, code FROM person_nationality WHERE person_id "
                                        "IN :ids ORDER BY person_id, position", "ids", list(kept)):
            nats.setdefault(pid, []).append(code)
        for pid, ident in kept.items():
            ident.nationalities = nats.get(pid) or ident.nationalities
    return Blocked(kept, counts, population)


def _stream_persons():
    from caseapp.sources import bulk

    yield from bulk.iter_rows("SELECT id, family_name, given_names, birth_date, birth_precision, sex, "
                              "nationality, postcode, street, house_number, azr_number FROM person "
                              "WHERE anonymised_at IS NULL", {})

