"""The shipped model on a generated population with known truth meets the thresholds of issue 14 (not
speed)."""
from __future__ import annotations

from caseapp.linkage import evaluate, synth


def test_generated_population_links_precisely_completely_and_never_a_lookalike():
    pop = synth.population(2500, seed=5)
    q = evaluate.run(pop, upper=4.0, lower=1.0).as_dict()
    assert q["precision"] >= 0.998, q
    assert q["recall_auto"] >= 0.95, q
    assert q["recall_with_queue"] >= 0.99, q
    assert q["queue_share"] <= 0.05, q
    assert q["lookalike_links"] == 0, q
    # The naive rule (equal AZR or equal folded name and birth date) finds far fewer.
    assert q["naive_recall"] < q["recall_auto"] - 0.2, q
