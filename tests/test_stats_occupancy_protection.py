"""Belegung: a shelter's hidden occupied count must not follow from the printed sum line."""
from __future__ import annotations

import re

from caseapp.stats.occupancy import overview_totals
from caseapp.stats.publish import protect_overview

K = 3


def _row(i, occupied, state="open", capacity=20):
    free = capacity - occupied if state == "open" else 0
    return {"id": i, "name": f"GU {i}", "district": "07", "state": state, "beds": capacity, "blocked": 0,
            "capacity": capacity, "occupied": occupied, "free": free,
            "rate": occupied / capacity if state == "open" else None}


def test_a_small_row_gets_a_partner_beside_the_sum_line():
    rows = [_row(1, 1), _row(2, 7), _row(3, 5)]
    totals = overview_totals(rows)
    protect_overview(rows, totals, K)
    hidden = [r["id"] for r in rows if r["occupied"] is None]
    assert 1 in hidden and len(hidden) >= 2  # 13 - 7 - 5 would give the 1 away
    assert all(r["free"] is None and r["rate"] is None for r in rows if r["occupied"] is None)
    printed = sum(r["occupied"] for r in rows if r["occupied"] is not None)
    if totals["occupied"] is not None:
        assert totals["occupied"] - printed >= 2 * len(hidden) - 1  # no hidden row pinned by ">= 1"


def test_nine_one_three_one_beside_the_sum_line():
    rows = [_row(1, 9), _row(2, 1), _row(3, 3), _row(4, 1)]
    totals = overview_totals(rows)
    protect_overview(rows, totals, K)
    assert [r["id"] for r in rows if r["occupied"] is None] == [2, 3, 4]
    assert totals["occupied"] == 14


def test_a_lone_small_shelter_hides_its_sum_line_too():
    rows = [_row(1, 2), _row(2, 1, state="closed")]
    totals = overview_totals(rows)
    protect_overview(rows, totals, K)
    assert rows[0]["occupied"] is None and totals["occupied"] is None and totals["free"] is None
    assert totals["rate"] is None
    assert rows[1]["occupied"] is None and totals["not_open"]["occupied"] is None


def test_analyst_page_does_not_print_a_sum_that_gives_a_row_away(login_as, factory):
    small = factory.shelter(district="07", rooms=(("1.01", 4),))
    big = factory.shelter(district="08", rooms=(("1.01", 10),))
    factory.stay(factory.person(district="07", state="accommodated"), small.rooms[0])
    for _ in range(6):
        factory.stay(factory.person(district="08", state="accommodated"), big.rooms[0])
    html = login_as("analyst").get("/admin/stats/belegung/").get_data(as_text=True)
    total = re.search(r'id="occupancy-total".*?</tr>', html, re.DOTALL).group(0)
    cells = re.findall(r'<th class="text-right">(.*?)</th>', total)
    # beds, blocked, capacity, occupied, free, rate: with both rows hidden or the sum hidden, never 7 and 1.
    body = re.search(r"<tbody>.*?</tbody>", html, re.DOTALL).group(0)
    assert body.count("unterdrückt") >= 2 or "unterdrückt" in cells[3]
    caseworker = login_as("caseworker").get("/admin/stats/belegung/").get_data(as_text=True)
    assert "unterdrückt" not in re.search(r"<tbody>.*?</tbody>", caseworker, re.DOTALL).group(0)
