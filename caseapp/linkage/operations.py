"""Merge, split and the data steward's decisions; each flushes, writes its audit row and never commits.

The survivor of a merge is the older (smaller) id. The merged id answers with a pointer to it
(queries.merged_into). A split undoes the merge that brought a record in, restoring the merged person
under its old id with what the merge had moved; a record that came in otherwise (the AZR number at
import) gets a new person. Both remember the pair as a non-match, so linkage never proposes it again.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from caseapp.audit.operations import record
from caseapp.codelists import PersonState, ReviewStatus
from caseapp.extensions import db
from caseapp.linkage import identity, queries
from caseapp.linkage.merging import MergeRefused, check_stays, merge_rows, restore_rows
from caseapp.linkage.models import Link, MergeRecord, ReviewPair
from caseapp.people.models import Person
from caseapp.workflows.models import Transition

__all__ = ["LinkageError", "MergeRefused", "decide_pair", "merge_persons", "split_record"]


class LinkageError(ValueError):
    """Bad input to a linkage operation; the message is German and names what is wrong."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _actor(by, actor: str | None) -> dict:
    return {"by": by, "actor": None if by is not None else (actor or "system")}


def _label(by, actor: str | None) -> str | None:
    return None if by is not None else (actor or "system")


def merge_persons(
    survivor_id: int,
    merged_id: int,
    *,
    by=None,
    actor: str | None = None,
    rule: str = "steward",
    score: float | None = None,
    weights: dict | None = None,
    model_version: str | None = None,
    pair: ReviewPair | None = None,
    reason: str | None = None,
    channel: str | None = None,
    recompute: bool = True,
) -> MergeRecord:
    """Two persons become one; the older id survives whichever order the ids come in."""
    survivor_id, merged_id = min(survivor_id, merged_id), max(survivor_id, merged_id)
    if survivor_id == merged_id:
        raise LinkageError("Beide Datensätze gehören schon zu derselben Person.")
    for pid in (survivor_id, merged_id):
        if db.session.get(Person, pid) is None:
            raise LinkageError(f"Person Nr. {pid} gibt es nicht (mehr).")
    check_stays(survivor_id, merged_id)
    db.session.flush()
    records = queries.records_of(merged_id)
    snapshot = merge_rows(survivor_id, merged_id)
    db.session.expire_all()
    merge = MergeRecord(
        survivor_id=survivor_id,
        merged_id=merged_id,
        snapshot=snapshot,
        score=score,
        reason=(reason or "")[:300] or None,
        by_id=getattr(by, "id", None),
        by_label=_label(by, actor),
    )
    db.session.add(merge)
    db.session.flush()
    for source, key in records:
        db.session.add(
            Link(
                source_code=source,
                key=key,
                person_id=survivor_id,
                rule=rule,
                score=score,
                weights=weights or {},
                model_version=model_version,
                pair_id=pair.id if pair else None,
                merge_id=merge.id,
                decided_by_id=getattr(by, "id", None),
                decided_by_label=_label(by, actor),
            )
        )
    survivor = db.session.get(Person, survivor_id)
    _take_over_state(survivor, snapshot, by, actor)
    if recompute:
        identity.recompute(survivor, snapshot)
    db.session.flush()
    detail = (
        f"merged={merged_id} rule={rule}"
        + (f" score={score:.1f}" if score is not None else "")
        + (f" pair={pair.id}" if pair else "")
        + (f" model={model_version}" if model_version else "")
    )
    record("merge", "person", survivor_id, channel=channel, detail=detail[:200], **_actor(by, actor))
    return merge


def _take_over_state(survivor: Person, snapshot: dict, by, actor) -> None:
    """A bed moved with the merge: the survivor is where the bed is (one timeline, one Transition)."""
    theirs = snapshot["person"].get("state")
    if not snapshot["moved"].get("stay") or theirs != PersonState.accommodated or survivor.state == theirs:
        return
    db.session.add(
        Transition(
            entity="person",
            entity_id=survivor.id,
            event="merge",
            from_state=survivor.state,
            to_state=theirs,
            occurred_on=_now().date(),
            by_user_id=getattr(by, "id", None),
            by_label=_label(by, actor) if by is None else None,
            reason=f"Zusammenführung mit Person Nr. {snapshot['person']['id']}",
        )
    )
    survivor.state = theirs


def split_record(
    person_id: int,
    source: str,
    key: str,
    *,
    by=None,
    actor: str | None = None,
    reason: str | None = None,
    channel: str | None = None,
) -> int:
    """Detach the record (source, key) from the person into a person of its own; returns that person's id."""
    person_id = queries.resolve_person(person_id) or person_id
    if (source, key) not in queries.records_of(person_id):
        raise LinkageError(f"Der Datensatz {source} '{key}' gehört nicht zu Person Nr. {person_id}.")
    remaining = [r for r in queries.records_of(person_id) if r != (source, key)]
    if not remaining:
        raise LinkageError(
            f"Der Datensatz {source} '{key}' ist der einzige von Person Nr. {person_id}; "
            "es gibt nichts abzutrennen."
        )
    merge = _merge_that_brought(person_id, source, key)
    db.session.flush()
    if merge is not None:
        restore_rows(person_id, merge.merged_id, merge.snapshot)
        db.session.expire_all()
        merge.undone_at = _now()
        new_id = merge.merged_id
        db.session.execute(
            update(Link).where(Link.merge_id == merge.id, Link.undone_at.is_(None)).values(undone_at=_now())
        )
    else:
        new_id = identity.detach_copy(person_id, source, key, by_id=getattr(by, "id", None),
                                      by_label=_label(by, actor))
        db.session.execute(
            update(Link)
            .where(Link.source_code == source, Link.key == key, Link.undone_at.is_(None))
            .values(undone_at=_now())
        )
    identity.recompute(db.session.get(Person, person_id))
    identity.recompute(db.session.get(Person, new_id))
    # Remembered as a non-match: the split records are never proposed for this person again.
    now = _now()
    for other in remaining:
        if other in queries.records_of(new_id):
            continue
        db.session.add(
            ReviewPair(
                kind="model",
                status="different",
                left_source=source,
                left_key=key,
                right_source=other[0],
                right_key=other[1],
                reason="getrennt",
                decided_at=now,
                decided_by_id=getattr(by, "id", None),
                decided_by_label=_label(by, actor),
            )
        )
        break
    db.session.flush()
    detail = f"record={source}:{key} new_person={new_id}" + (f" merge={merge.id}" if merge else "")
    if reason:
        detail += f" reason={reason}"
    record("split", "person", person_id, channel=channel, detail=detail[:200], **_actor(by, actor))
    return new_id


def _merge_that_brought(person_id: int, source: str, key: str) -> MergeRecord | None:
    """The newest open merge into this person whose merged side held the record (directly or earlier)."""
    from caseapp.sources.models import SourceRecord

    rec_id = db.session.scalar(
        select(SourceRecord.id).where(SourceRecord.source_code == source, SourceRecord.key == key)
    )
    merges = db.session.scalars(
        select(MergeRecord)
        .where(MergeRecord.survivor_id == person_id, MergeRecord.undone_at.is_(None))
        .order_by(MergeRecord.id.desc())
    )
    for merge in merges:
        if rec_id is not None and rec_id in merge.snapshot["moved"].get("source_record", []):
            return merge
        if key == f"#{merge.merged_id}":
            return merge
    return None


def decide_pair(
    pair: ReviewPair, decision: str, *, by=None, actor: str | None = None, channel: str | None = None
) -> int | None:
    """A data steward's decision: `same` merges (returns the survivor), `different` is remembered."""
    if decision not in (ReviewStatus.same, ReviewStatus.different):
        raise LinkageError("Entscheidung muss 'same' (dieselbe Person) oder 'different' (verschiedene) sein.")
    if pair.status != ReviewStatus.open:
        raise LinkageError(f"Prüffall {pair.id} ist schon entschieden ({pair.status}).")
    survivor = None
    if decision == ReviewStatus.same:
        left, right = queries.resolve(*pair.left), queries.resolve(*pair.right)
        if left is None or right is None:
            raise LinkageError(f"Ein Datensatz von Prüffall {pair.id} ist nicht mehr vorhanden.")
        if left != right:
            merge = merge_persons(
                left,
                right,
                by=by,
                actor=actor,
                rule="steward",
                score=pair.score,
                weights=pair.weights,
                model_version=pair.model_version,
                pair=pair,
                reason=f"Prüffall {pair.id}",
                channel=channel,
            )
            survivor = merge.survivor_id
        else:
            survivor = left
    pair.status = decision
    pair.decided_at = _now()
    pair.decided_by_id = getattr(by, "id", None)
    pair.decided_by_label = _label(by, actor)
    db.session.flush()
    record(
        f"linkage:{decision}",
        "review_pair",
        pair.id,
        channel=channel,
        detail=f"kind={pair.kind} score={pair.score:.1f}" + (f" survivor={survivor}" if survivor else ""),
        **_actor(by, actor),
    )
    return survivor


def merge_many(
    links: list[dict],
    *,
    by=None,
    actor: str | None = None,
    channel: str | None = None,
    source: str | None = None,
) -> int:
    """The import's automatic links in one set-based pass: each item {survivor, merged, rule, score, weights,
    model_version}. A merge record and a link row each (who, when, score, why), one audit row for the run."""

    from caseapp.linkage.merging import merge_many as move_many
    from caseapp.sources.models import SourceRecord

    if not links:
        return 0
    db.session.flush()
    merged_ids = [item["merged"] for item in links]
    records: dict[int, list[tuple[str, str]]] = {}
    for pid, code, key in db.session.execute(
        select(SourceRecord.person_id, SourceRecord.source_code, SourceRecord.key).where(
            SourceRecord.person_id.in_(merged_ids)
        )
    ):
        records.setdefault(pid, []).append((code, key))
    snaps = move_many([(item["survivor"], item["merged"]) for item in links])
    db.session.expire_all()
    label = _label(by, actor)
    rows = [
        {
            "survivor_id": item["survivor"],
            "merged_id": item["merged"],
            "snapshot": snaps[item["merged"]],
            "score": item.get("score"),
            "reason": "Verknüpfung beim Import",
            "by_id": getattr(by, "id", None),
            "by_label": label,
        }
        for item in links
    ]
    from caseapp.linkage.merging import insert_rows
    from caseapp.sources import bulk

    ids = dict(zip((r["merged_id"] for r in rows), bulk.allocate_ids("person_merge", len(rows))))
    insert_rows(MergeRecord.__table__, [{"id": ids[r["merged_id"]], **r} for r in rows])
    link_rows = [
        {
            "source_code": code,
            "key": key,
            "person_id": item["survivor"],
            "rule": item["rule"],
            "score": item.get("score"),
            "weights": item.get("weights") or {},
            "model_version": item.get("model_version"),
            "merge_id": ids[item["merged"]],
            "decided_by_id": getattr(by, "id", None),
            "decided_by_label": label,
        }
        for item in links
        for code, key in records.get(item["merged"], [])
    ]
    insert_rows(Link.__table__, [{**r, "weights": r["weights"] or {}} for r in link_rows])
    identity.recompute_many(
        sorted({item["survivor"] for item in links}),
        snaps,
        {item["survivor"]: item["merged"] for item in links},
    )
    versions = sorted({str(item.get("model_version")) for item in links if item.get("model_version")})
    record(
        "link",
        "linkage",
        source,
        channel=channel,
        detail=(
            f"linked={len(links)} merges={min(ids.values())}-{max(ids.values())} model={','.join(versions)}"
        )[:200],
        **_actor(by, actor),
    )
    db.session.flush()
    return len(links)
