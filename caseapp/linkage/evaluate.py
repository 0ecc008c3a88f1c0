"""Quality of the linkage on a generated population with known truth, beside the naive rule.

The offices deliver one after the other (soz, jug, sch), each against abh and the persons the earlier
offices added, through the same scoring and decision code as an import (linker.score_against_known,
decide.decide).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from caseapp.linkage import decide, features, normalise, synth
from caseapp.linkage.linker import score_against_known


@dataclass
class Quality:
    records: int = 0  # the other offices' records
    true_pairs: int = 0  # records whose human is known already
    links: int = 0
    correct_links: int = 0
    queued_pairs: int = 0
    found_with_queue: int = 0
    lookalike_links: int = 0
    naive_links: int = 0
    naive_correct: int = 0
    wrong: list = field(default_factory=list)
    # Why true pairs were not linked automatically: the queue's reason, or "not found".
    missed: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        def ratio(a, b):
            return round(a / b, 4) if b else 1.0

        return {"records": self.records, "true_pairs": self.true_pairs, "links": self.links,
                "precision": ratio(self.correct_links, self.links),
                "recall_auto": ratio(self.correct_links, self.true_pairs),
                "recall_with_queue": ratio(self.found_with_queue, self.true_pairs),
                "queued_pairs": self.queued_pairs, "queue_share": ratio(self.queued_pairs, self.records),
                "lookalike_links": self.lookalike_links,
                "naive_precision": ratio(self.naive_correct, self.naive_links),
                "naive_recall": ratio(self.naive_correct, self.true_pairs)}


def _naive_key(i: features.Identity) -> tuple:
    return (
        normalise.fold(i.family_name),
        normalise.fold(i.given_names),
        str(i.birth_date),
        i.birth_precision,
    )


def run(pop: synth.Population, *, upper: float, lower: float) -> Quality:
    q = Quality()
    known: dict[int, features.Identity] = {i.id: i for i, _t, _k in pop.records["abh"]}
    truth = {i.id: t for i, t, _k in pop.records["abh"]}
    sources = {i.id: {"abh"} for i in known.values()}
    lookalike = set(pop.lookalike_groups)
    placeholder = {h.truth for h in pop.humans if h.lookalike == "common_placeholder"}
    for source in ("soz", "jug", "sch"):
        incoming = {i.id: i for i, _t, _k in pop.records[source]}
        truth.update({i.id: t for i, t, _k in pop.records[source]})
        right = {**known, **incoming}
        cands = score_against_known(incoming, right, upper=upper, lower=lower)
        src = {**sources, **{i: {source} for i in incoming}}
        decisions = decide.decide(incoming, right, cands, sources=src, incoming_source=source, upper=upper,
                                  lower=lower)
        known_truths: dict[int, int] = {}
        for pid in known:
            known_truths.setdefault(truth[pid], pid)
        naive_azr = {i.azr_number: pid for pid, i in known.items() if i.azr_number}
        naive_name: dict[tuple, list[int]] = {}
        for pid, i in known.items():
            naive_name.setdefault(_naive_key(i), []).append(pid)
        for d in decisions:
            t = truth[d.incoming]
            q.records += 1
            has_partner = t in known_truths
            q.true_pairs += has_partner
            correct_link = d.action == "link" and truth[d.links_to] == t
            if d.action == "link":
                q.links += 1
                q.correct_links += correct_link
                if not correct_link:
                    q.wrong.append((incoming[d.incoming], known[d.links_to], d.candidate))
                    if t in lookalike or truth[d.links_to] in lookalike or truth[d.links_to] in placeholder:
                        q.lookalike_links += 1
            q.queued_pairs += len(d.queue) if d.action != "link" else 0
            queued_right = d.action != "link" and any(truth[c.person_id] == t and c.person_id in known
                                                      for c, _k, _r in d.queue)
            q.found_with_queue += has_partner and (correct_link or queued_right)
            if has_partner and not correct_link:
                why = next((r or k for c, k, r in d.queue if truth[c.person_id] == t), "nicht gefunden")
                q.missed[why] = q.missed.get(why, 0) + 1
            i = incoming[d.incoming]
            hits = ([naive_azr[i.azr_number]] if i.azr_number in naive_azr else []) or \
                naive_name.get(_naive_key(i), [])
            if hits:
                q.naive_links += 1
                q.naive_correct += truth[hits[0]] == t
        # Records that linked join their person; the others are new persons, known to the next office.
        for d in decisions:
            if d.action != "link":
                known[d.incoming] = incoming[d.incoming]
                sources[d.incoming] = {source}
            else:
                sources[d.links_to].add(source)
    return q
