"""Real browser (Debian's Chromium via Playwright): an analyst opens the statistics dashboard and its map."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests import live_server as shared
from tests.live_server import ARTIFACTS, login, serve

pytestmark = pytest.mark.browser
browser_page = shared.browser_page  # the fixture, shared with tests/test_browser.py

ANALYST = "statistik@stadt-osnabrueck.de"


def _seed(db):
    """An analyst; four adults in Innenstadt (01), three school children in 02, one announced (not
    counted)."""
    from tests.factories import Factory

    f = Factory(db)
    from caseapp.stats.cellkey import perturb

    f.user(role="analyst", offices=(), email=ANALYST)
    adults = [f.person(family_name=f"Adult{i}", district="01", birth="1990-05-17", state="housed")
              for i in range(4)]
    children = [f.person(family_name=f"Kind{i}", district="02", birth="2018-02-00", state="arrived")
                for i in range(3)]
    f.person(family_name="Angekündigt", district="01", state="announced")
    # Record keys are random per person; these are chosen so that the cell-key noise of the cells this
    # test reads is 0 and the page shows the true counts (the noise itself: tests/test_stats_cellkey.py).
    a, c = next((a, c) for a in range(256) for c in range(256)
                if perturb(4, 4 * a, 3) == 4 and perturb(3, 3 * c, 3) == 3
                and perturb(7, 4 * a + 3 * c, 3) == 7)
    for p in adults:
        p.record_key = a
    for p in children:
        p.record_key = c
    db.session.commit()


@pytest.fixture(scope="module")
def live_server(pg_server, tmp_path_factory):
    with serve(pg_server, tmp_path_factory, _seed) as running:
        yield running


def test_analyst_sees_dashboard_table_and_district_map(live_server, browser_page):
    base, _ = live_server
    page = browser_page
    login(page, base, ANALYST)
    page.goto(f"{base}/admin/stats/")
    heading = page.locator("h2").first.inner_text()
    assert heading == f"Bevölkerung am {date.today().strftime('%d.%m.%Y')}"
    table = page.locator("#population-table")
    assert table.locator("thead th").first.inner_text() == "Stadtteil"
    assert table.locator("tfoot th").last.inner_text() == "7"  # the announced person is not counted
    row = table.locator("tbody tr", has_text="Innenstadt")
    assert row.locator("td").last.inner_text() == "4"

    svg = page.locator("#district-map svg")
    assert svg.count() == 1 and svg.bounding_box()["height"] > 300
    labels = svg.locator("text").all_text_contents()
    numbers = {m[1] for t in labels if (m := re.match(r"^\s*(\d\d) \S", t))}
    assert numbers == {f"{n:02d}" for n in range(1, 24)}
    assert any("schematisch" in t.lower() for t in labels)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    svg.screenshot(path=str(ARTIFACTS / "district-map.png"))
