"""A delivery is scored against only the persons that share a blocking key with it, with everyone's term
frequencies: the candidates and their weights are exactly those of scoring against everyone."""
from __future__ import annotations

import re

from caseapp.linkage import features, linker, model, synth


def _flat(found: dict) -> dict:
    return {(a, k): round(c.score, 6) for a, cands in found.items() for k, c in cands.items()}


def test_blocked_scoring_equals_scoring_against_everyone():
    pop = synth.population(12000, seed=5, abh_share=0.85)
    known = {i.id: i for i, _t, _k in pop.records["abh"]}
    incoming = {i.id: i for i, _t, _k in pop.records["soz"][:400]}

    everyone = linker.score_against_known(incoming, {**known, **incoming}, upper=4.0)
    rows = [(i.id, i.family_name, i.given_names, i.birth_date, i.birth_precision, i.sex,
             (i.nationalities or [None])[0], i.postcode, i.street, i.house_number, i.azr_number)
            for i in known.values()]
    blocked = features.blocked_identities(incoming, persons=rows)
    few = linker.score_against_known(incoming, {**blocked.known, **incoming}, upper=4.0, blocked=blocked)

    assert len(blocked.known) < len(known) / 4  # only those that can be compared at all are held
    assert blocked.population == len(known) + len(incoming)
    assert len(_flat(everyone)) > 300 and _flat(few) == _flat(everyone)


def test_the_blocking_keys_read_are_the_models_blocking_rules():
    rules = model.trained_settings()["blocking_rules_to_generate_predictions"]
    read = tuple(tuple(re.findall(r'l\."(\w+)"', r["blocking_rule"])) for r in rules)
    assert read == features.BLOCKING_KEYS
