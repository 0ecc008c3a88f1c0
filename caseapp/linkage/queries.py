"""Read side of linkage: which records a person has, where a record or a merged id lives now, the queue."""
from __future__ import annotations

from sqlalchemy import select

from caseapp.codelists import ReviewStatus
from caseapp.extensions import db
from caseapp.fieldrules import digits
from caseapp.linkage.models import MergeRecord, ReviewPair
from caseapp.people.models import Person


def manual_key(person_id: int) -> str:
    """The record name of a person registered by hand (`#` never occurs in a source key)."""
    return f"#{person_id}"


def records_of(person_id: int) -> list[tuple[str, str]]:
    """The person's records: (source, key) of its source records, (office, '#id') for registrations."""
    from caseapp.sources.models import SourceRecord

    found = [tuple(r) for r in db.session.execute(
        select(SourceRecord.source_code, SourceRecord.key).where(SourceRecord.person_id == person_id)
        .order_by(SourceRecord.source_code, SourceRecord.key))]
    office = db.session.scalar(select(Person.registered_by_office).where(Person.id == person_id))
    if office:
        found.append((office, manual_key(person_id)))
    for merge in db.session.scalars(select(MergeRecord).where(MergeRecord.survivor_id == person_id,
                                                              MergeRecord.undone_at.is_(None))):
        office = merge.snapshot["person"].get("registered_by_office")
        if office:
            found.append((office, manual_key(merge.merged_id)))
    return found


def resolve_person(person_id: int) -> int | None:
    """The person an id stands for now: itself, or the survivor of the merges it went into."""
    for _ in range(100):  # merge chains are short; the bound only guards against a cycle
        if db.session.get(Person, person_id) is not None:
            return person_id
        survivor = db.session.scalar(select(MergeRecord.survivor_id).where(
            MergeRecord.merged_id == person_id,
            MergeRecord.undone_at.is_(None)).order_by(MergeRecord.id.desc()))
        if survivor is None:
            return None
        person_id = survivor
    return None


def merged_into(person_id: int) -> int | None:
    """For an id that was merged away, the person that holds it now; None for a live or unknown id."""
    if db.session.get(Person, person_id) is not None:
        return None
    found = resolve_person(person_id)
    return found if found != person_id else None


def merged_into_visible(person_id: int, visible_ids) -> int | None:
    """The survivor of a merged id, only when the asking user may see it (`visible_ids`: a select of
    the person ids the user may see); otherwise None, so the answer is a plain 404 like any unknown id."""
    survivor = merged_into(person_id)
    if survivor is None:
        return None
    return db.session.scalar(visible_ids.where(Person.id == survivor))


def resolve(source: str, key: str) -> int | None:
    """The person a record belongs to now."""
    from caseapp.sources.models import SourceRecord

    if key.startswith("#"):
        return resolve_person(int(key[1:])) if digits(key[1:]) else None
    return db.session.scalar(select(SourceRecord.person_id).where(SourceRecord.source_code == source,
                                                                  SourceRecord.key == key))


def persons_with_sources() -> list[dict]:
    """Every person with its records, as `caseapp linkage persons --json` prints them."""
    from caseapp.sources.models import SourceRecord

    sources: dict[int, list[list[str]]] = {}
    for pid, code, key in db.session.execute(select(SourceRecord.person_id, SourceRecord.source_code,
                                                    SourceRecord.key).order_by(SourceRecord.source_code,
                                                                               SourceRecord.key)):
        sources.setdefault(pid, []).append([code, key])
    rows = []
    for pid, office in db.session.execute(select(Person.id, Person.registered_by_office).order_by(Person.id)):
        found = sources.get(pid, [])
        if office:
            found = found + [[office, manual_key(pid)]]
        rows.append({"person_id": pid, "sources": found})
    return rows


def open_pairs():
    return db.session.scalars(
        select(ReviewPair).where(ReviewPair.status == ReviewStatus.open).order_by(ReviewPair.id))


def is_non_match(a: tuple[str, str], b_records) -> bool:
    """A data steward (or a split) said the record is not the same human as one of these records."""
    rows = db.session.execute(
        select(ReviewPair.left_source, ReviewPair.left_key, ReviewPair.right_source, ReviewPair.right_key)
        .where(ReviewPair.status == ReviewStatus.different)).all()
    others = set(b_records)
    for ls, lk, rs, rk in rows:
        if ((ls, lk) == a and (rs, rk) in others) or ((rs, rk) == a and (ls, lk) in others):
            return True
    return False
