"""The disclosure harness in CI on a small demo city: the cell-key method hides nothing beyond the small
counts, publishes every city total, and leaves no hidden or perturbed value and no small change between
two days recoverable exactly; the old secondary suppression, on the same city, leaks by differencing
(which shows the harness can find a leak). The 45,000-person figures: bench/disclosure.py."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.disclosure_harness import evaluate

K = 3
TODAY = date.today()


@pytest.fixture()
def demo_city(db, app):
    from caseapp.demo.operations import create_demo_city

    create_demo_city(persons=1500, seed=5, today=TODAY, accounts=False)
    db.session.flush()


def test_cell_key_neither_collapses_nor_leaks_and_suppression_leaks_by_differencing(demo_city):
    week_ago = TODAY - timedelta(days=7)
    new = evaluate(week_ago, TODAY, "cellkey", K)
    assert new["loss"]["city_total_published"]
    assert new["loss"]["hidden_beyond_threshold"] == 0
    assert new["loss"]["mean_abs_change"] < 1.5
    assert new["recovered"] == 0
    assert new["small_changes"] > 0 and new["changes_recovered"] == 0
    old = evaluate(week_ago, TODAY, "suppression", K)
    assert old["changes_recovered"] > 0  # a week's +1s and +2s in large cells, exact
