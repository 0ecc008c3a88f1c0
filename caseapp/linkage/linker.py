"""Link persons created from a delivery (or registered by hand) to the persons already known.

Reads the identifying core of every person from the database (set-based), scores the new ones against
all others on in-process DuckDB with the shipped Splink model, decides (decide.py) and writes: a link
is a merge of the new person into the known one (the older id survives), a doubtful pair a ReviewPair.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd
from flask import current_app

from caseapp.codelists import ReviewStatus
from caseapp.extensions import db
from caseapp.linkage import decide, features, model, queries
from caseapp.linkage.models import ReviewPair

# Seconds per phase of the last run (bench/bench_linkage.py prints them).
LAST_TIMINGS: dict[str, float] = {}


@dataclass
class Counts:
    linked: int = 0
    queued: int = 0
    new_persons: int = 0

    def as_dict(self) -> dict:
        return {"linked": self.linked, "queued": self.queued, "new_persons": self.new_persons}


def thresholds() -> tuple[float, float]:
    return (
        float(current_app.config.get("CASEAPP_LINKAGE_UPPER", 4.0)),
        float(current_app.config.get("CASEAPP_LINKAGE_LOWER", 1.0)),
    )


def score_against_known(incoming: dict[int, features.Identity], known: dict[int, features.Identity], *,
                        upper: float | None = None,
                        lower: float | None = None, blocked: features.Blocked | None = None):
    """Candidates per incoming record: {incoming id: {known id: Candidate}}.

    Each record is scored as written; only the records without a candidate at or above the upper
    threshold are scored again with family and given names exchanged (a source that wrote them the
    other way). Scoring both orientations of every record doubled the work of an import (issue 14's
    import-ratio target) for the few records that need it.

    `blocked`: `known` holds only the persons that share a blocking key with the incoming records
    (features.blocked_identities); the term frequencies are everyone's, from `blocked`."""
    if not incoming or not known:
        return {}
    from flask import has_app_context

    if lower is None:
        lower = thresholds()[1] if has_app_context() else 1.0
    if upper is None:
        upper = thresholds()[0]
    right = pd.DataFrame([features.row(i) for i in known.values()], columns=features.COLUMNS)
    straight = [features.row(i) for i in incoming.values()]
    found = _scored_in_chunks(straight, right, lower, blocked)
    again = [i for pid, i in incoming.items()
             if max((c.score for c in found.get(pid, {}).values()), default=float("-inf")) < upper]
    if again:
        swapped = [features.row(i, swap=True) for i in again]
        more = _scored_in_chunks(swapped, right, lower, blocked)
        for pid, cands in more.items():
            mine = found.setdefault(pid, {})
            for kid, c in cands.items():
                if kid not in mine or mine[kid].score < c.score:
                    mine[kid] = c
    return found


CHUNK_DEFAULT = 20_000


def _tf_frames(blocked: features.Blocked, rows: list) -> dict:
    """Term-frequency lookups as Splink counts them over its two inputs: everyone (the population,
    counted by blocked_identities, which includes the incoming records once) plus this chunk's rows."""
    more = features.tf_counts(rows)
    frames = {}
    for column in features.TF_COLUMNS:
        counts = dict(blocked.counts[column])
        for value, n in more[column].items():
            counts[value] = counts.get(value, 0) + n
        total = float(sum(counts.values())) or 1.0
        frames[column] = pd.DataFrame({column: list(counts),
                                       f"tf_{column}": [n / total for n in counts.values()]})
    return frames


def _scored_in_chunks(rows: list, right, lower: float, blocked: features.Blocked | None = None) -> dict:
    """Candidates of the incoming rows, scored against `right` a chunk at a time
    (CASEAPP_LINKAGE_CHUNK records): the pairs of one chunk are in memory at once, not those of a whole
    delivery (a first delivery of a million records made billions of blocked pairs and was killed at
    23 GB). Only candidates a decision can use are kept: at or above the lower threshold, or with an
    equal AZR number (the AZR rule reports its score); the scored pairs below it were most of a large
    delivery's memory (a first load of a million grew past 15 GB). Each record's candidates do not
    depend on the other incoming records, except through the term frequencies, which Splink counts over
    both inputs: the known side, which holds the incoming persons already, dominates them."""
    from flask import current_app, has_app_context

    size = int(current_app.config.get("CASEAPP_LINKAGE_CHUNK", CHUNK_DEFAULT)) if has_app_context() \
        else CHUNK_DEFAULT
    found: dict = {}
    for start in range(0, len(rows), max(size, 1)):
        chunk = rows[start:start + size]
        part = pd.DataFrame(chunk, columns=features.COLUMNS)
        extra = {} if blocked is None else {"tf": _tf_frames(blocked, chunk),
                                            "population": blocked.population + len(chunk)}
        for pid, cands in decide.candidates_from(model.score(part, right, **extra)).items():
            kept = {k: c for k, c in cands.items() if c.score >= lower or c.weights.get("azr", 0) > 0}
            if kept:
                found[pid] = kept
    return found


def _write_pairs(pairs: list[tuple[int, int, dict]], records: dict[int, tuple[str, str]] | None = None
                 ) -> None:
    """ReviewPairs in one insert, each side named by one record of its person (read set-based), or by
    `records` {id: (source, key)} for a delivery's records decided before they were written."""
    from sqlalchemy import insert

    from caseapp.sources import bulk

    if not pairs:
        return
    named: dict[int, tuple[str, str]] = {}
    ids = set()
    for a, b, _ in pairs:
        for p in (a, b):
            if records and p in records:
                named[p] = records[p]
            else:
                ids.add(p)
    for pid, code, key in bulk.select_in(
        "SELECT person_id, source_code, key FROM source_record WHERE person_id "
        "IN :ids ORDER BY source_code, key",
        "ids",
        ids,
    ):
        named.setdefault(pid, (code, key))
    for pid, office in bulk.select_in(
        "SELECT id, registered_by_office FROM person WHERE id IN :ids", "ids", ids
    ):
        named.setdefault(pid, (office or "int", queries.manual_key(pid)))
    rows = []
    for left, right, values in pairs:
        (ls, lk), (rs, rk) = named[left], named[right]
        rows.append({**values, "left_source": ls, "left_key": lk, "right_source": rs, "right_key": rk})
    db.session.execute(insert(ReviewPair), rows)


def link_persons(new_ids, *, source: str, by=None, actor: str | None = None) -> Counts:
    """Link the given (freshly created) persons; returns what happened to them."""
    from caseapp.linkage.operations import MergeRefused, merge_many, merge_persons

    counts = Counts()
    new_ids = list(new_ids)
    if not new_ids:
        return counts
    db.session.flush()
    clock = time.perf_counter()
    everyone = {i.id: i for i in features.load_identities()}
    incoming = {pid: everyone[pid] for pid in new_ids if pid in everyone}
    sources = features.load_sources()
    LAST_TIMINGS["load"] = round(time.perf_counter() - clock, 2)
    upper, lower = thresholds()
    candidates = score_against_known(incoming, everyone)
    LAST_TIMINGS["score"] = round(time.perf_counter() - clock - LAST_TIMINGS["load"], 2)
    non_matches = _non_match_checker()
    decisions = decide.decide(
        incoming,
        everyone,
        candidates,
        sources=sources,
        incoming_source=source,
        upper=upper,
        lower=lower,
        non_match=non_matches,
    )
    LAST_TIMINGS["decide"] = round(
        time.perf_counter() - clock - LAST_TIMINGS["load"] - LAST_TIMINGS["score"], 2
    )
    with_stays = _persons_with_stays([d.incoming for d in decisions if d.action == "link"])
    bulk_links, pairs = [], []
    for d in decisions:
        if d.action == "link":
            c = d.candidate
            score = None if c.score >= 99 else round(c.score, 2)
            if d.incoming not in with_stays:
                bulk_links.append(
                    {
                        "survivor": min(d.links_to, d.incoming),
                        "merged": max(d.links_to, d.incoming),
                        "rule": d.rule,
                        "score": score,
                        "weights": c.weights,
                        "model_version": model.MODEL_VERSION,
                    }
                )
                counts.linked += 1
                continue
            try:  # a person with a bed: one by one, with the stay rule (merging.check_stays)
                merge_persons(
                    d.links_to,
                    d.incoming,
                    by=by,
                    actor=actor,
                    rule=d.rule,
                    score=score,
                    weights=c.weights,
                    model_version=model.MODEL_VERSION,
                    reason="Verknüpfung beim Import",
                )
                counts.linked += 1
                continue
            except MergeRefused as exc:
                d.queue = [(c, "model", str(exc)[:300])]
        pairs.extend(_pairs_of(d, sources, source))
        counts.queued += len(d.queue)
        counts.new_persons += 1
    _write_pairs(pairs)
    merge_many(bulk_links, by=by, actor=actor, source=source)
    db.session.flush()
    LAST_TIMINGS["write"] = round(
        time.perf_counter() - clock - sum(LAST_TIMINGS[k] for k in ("load", "score", "decide")), 2
    )
    return counts


@dataclass
class RecordDecisions:
    """What linkage decided for a delivery's new records before any person exists for them
    (`link_records`): `links` {incoming id: Decision} are attached to the known person by the importer;
    the others become persons under their incoming id, and `queued` pairs them with candidates."""

    source: str
    links: dict[int, decide.Decision]
    queued: list[decide.Decision]
    sources: dict[int, set[str]]
    keys: dict[int, str]

    def counts(self, created: set[int]) -> Counts:
        return Counts(linked=len(self.links), queued=sum(len(d.queue) for d in self.queued
                                                         if d.incoming in created),
                      new_persons=len(created))


def link_records(incoming: dict[int, features.Identity], keys: dict[int, str], *, source: str
                 ) -> RecordDecisions:
    """Decide a delivery's new records (source, keys[id]) against everyone known, before they are written.

    `incoming` ids are the ids the records' persons will get when created (allocated, above every
    known id). The same scoring and rules as `link_persons`: linking before creating means the 82 % of a
    typical office delivery that belong to a known person are never created and merged again."""
    clock = time.perf_counter()
    # Only the persons that share a blocking key with the delivery are held (a nightly delivery of a
    # few hundred new records against a million persons: a few thousand), with everyone's term
    # frequencies: the same scores as against everyone (tests/test_linkage_blocked.py). The delivery's
    # records are scored against each other too: two keys of one source that look like one human are
    # reported to that source (a source duplicate), never linked.
    blocked = features.blocked_identities(incoming)
    everyone = {**blocked.known, **incoming}
    sources = {**features.load_sources(list(blocked.known)), **{pid: {source} for pid in incoming}}
    LAST_TIMINGS["load"] = round(time.perf_counter() - clock, 2)
    upper, lower = thresholds()
    candidates = score_against_known(incoming, everyone, blocked=blocked)
    LAST_TIMINGS["score"] = round(time.perf_counter() - clock - LAST_TIMINGS["load"], 2)
    own = {pid: [(source, key)] for pid, key in keys.items()}
    decisions = decide.decide(incoming, everyone, candidates, sources=sources, incoming_source=source,
                              upper=upper, lower=lower, non_match=_non_match_checker(own))
    LAST_TIMINGS["decide"] = round(
        time.perf_counter() - clock - LAST_TIMINGS["load"] - LAST_TIMINGS["score"], 2
    )
    return RecordDecisions(source, {d.incoming: d for d in decisions if d.action == "link"},
                           [d for d in decisions if d.action != "link" and d.queue], sources, keys)


def record_links(decided: RecordDecisions, created: list[int], *, by=None, actor: str | None = None,
                 channel: str | None = None) -> Counts:
    """After the importer wrote the delivery: a Link row per attached record (rule, score, the weights
    of why, model version; no merge, so a split gives the record a person of its own again), the
    review pairs of the created persons, and one audit row for the run."""
    from caseapp.audit.operations import record
    from caseapp.linkage.merging import insert_rows
    from caseapp.linkage.models import Link
    from caseapp.linkage.operations import _actor, _label

    clock = time.perf_counter()
    made = set(created)
    label = _label(by, actor)
    rows = []
    for pid, d in decided.links.items():
        c = d.candidate
        rows.append({"source_code": decided.source, "key": decided.keys[pid], "person_id": d.links_to,
                     "rule": d.rule, "score": None if c.score >= 99 else round(c.score, 2),
                     "weights": c.weights or {}, "model_version": model.MODEL_VERSION, "merge_id": None,
                     "decided_by_id": getattr(by, "id", None), "decided_by_label": label})
    if rows:
        insert_rows(Link.__table__, rows)
    pairs = []
    for d in decided.queued:
        if d.incoming not in made:
            continue
        pairs.extend(_pairs_of(d, decided.sources, decided.source))
    _write_pairs(pairs, {pid: (decided.source, key) for pid, key in decided.keys.items()})
    if rows:
        record("link", "linkage", decided.source, channel=channel,
               detail=f"linked={len(rows)} before_create=1 model={model.MODEL_VERSION}"[:200],
               **_actor(by, actor))
    db.session.flush()
    LAST_TIMINGS["write"] = round(time.perf_counter() - clock, 2)
    return decided.counts(made)


def _pairs_of(d: decide.Decision, sources: dict[int, set[str]], source: str) -> list[tuple[int, int, dict]]:
    """The review pairs of one decision's queue: (incoming id, candidate id, values of the ReviewPair); an
    AZR conflict names the office that holds the number (it is told through the queue)."""
    pairs = []
    for c, kind, reason in d.queue:
        others = sorted(sources.get(c.person_id, set()) - {source}) if kind == "azr" else []
        notify = others[0] if others else None
        pairs.append((d.incoming, c.person_id, {
            "kind": kind, "score": round(min(c.score, 99.0), 2), "probability": c.probability,
            "weights": c.weights, "reason": reason, "model_version": model.MODEL_VERSION,
            "notify_office": notify, "status": "open"}))
    return pairs


def _persons_with_stays(ids: list[int]) -> set[int]:
    from caseapp.sources import bulk

    if not ids:
        return set()
    return {
        r[0]
        for r in bulk.select_in("SELECT DISTINCT person_id FROM stay WHERE person_id IN :ids", "ids", ids)
    }


def _non_match_checker(own: dict[int, list[tuple[str, str]]] | None = None):
    """is_non_match for person ids, read once: pairs a data steward (or a split) called different.
    `own` names the records of ids that are not written yet (link_records)."""
    from sqlalchemy import select

    rows = db.session.execute(
        select(
            ReviewPair.left_source, ReviewPair.left_key, ReviewPair.right_source, ReviewPair.right_key
        ).where(ReviewPair.status == ReviewStatus.different)
    ).all()
    if not rows:
        return lambda a, b: False
    pairs = {((ls, lk), (rs, rk)) for ls, lk, rs, rk in rows}

    def check(a: int, b: int) -> bool:
        ra = own[a] if own and a in own else queries.records_of(a)
        rb = own[b] if own and b in own else queries.records_of(b)
        return any((x, y) in pairs or (y, x) in pairs for x in ra for y in rb)

    return check
