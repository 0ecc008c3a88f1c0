"""The cell-key method behind the door: its perturbation table, and published figures that are the same
for the same persons in every table and filter, and that change by an unknowable amount."""
from __future__ import annotations

from collections import Counter

from caseapp.stats import cellkey
from caseapp.stats.publish import population_for, population_tables, table_with_totals

K = 3


def test_every_count_from_k_gets_real_noise_and_never_drops_below_k():
    table = cellkey.ptable(K)
    for n in range(K, cellkey.MAX_PCV + 1):
        row = Counter(table[n])
        assert len(row) >= 3 and max(row.values()) <= 180, n  # never one value for a count
        assert all(-cellkey.MAX_NOISE <= d <= cellkey.MAX_NOISE and n + d >= K for d in row), n
    interior = table[100]
    assert sum(interior) == 0 and sum(abs(d) for d in interior) / 256 < 0.9
    assert cellkey.perturb(0, 17, K) == 0
    for n in range(1, K):  # a small count is never printed as itself, nor hidden
        assert {n + d for d in table[n]} == {K, K + 1, K + 2}
    assert cellkey.perturb(5000, 17, K) == 5000 + table[cellkey.pcv(5000)][17]


def _persons(factory, n, district, key, **kw):
    out = []
    for _ in range(n):
        p = factory.person(district=district, state="housed", **kw)
        p.record_key = key
        out.append(p)
    factory.db.session.flush()
    return out


def test_same_persons_same_figure_in_every_table_and_filter(db, factory):
    _persons(factory, 20, "07", 0)
    _persons(factory, 9, "08", 3, sex="w")
    analyst = factory.user("analyst")
    expected = 20 + cellkey.ptable(K)[20][0]
    by_district = {r["district"]: r["count"] for r in population_for(analyst, None, ("district",))["rows"]}
    two_way = table_with_totals(analyst, None, "district", "sex")
    filtered = population_for(analyst, None, ("sex",), filters={"district": ["07"]})["rows"]
    lattice = population_tables(None, ("district", "age_group"))
    assert by_district["07"] == expected == two_way["row_totals"]["07"] == filtered[0]["count"]
    assert lattice[("district",)][("07",)] == expected
    assert two_way["total"] == 29 + cellkey.ptable(K)[29][(20 * 0 + 9 * 3) % 256]


def test_one_more_person_redraws_the_noise_so_the_difference_is_not_the_change(db, factory):
    _persons(factory, 30, "07", 0)
    analyst = factory.user("analyst")
    before = population_for(analyst, None, ("district",))["rows"][0]["count"]
    table = cellkey.ptable(K)
    key = next(r for r in range(256) if 31 + table[31][r] - (30 + table[30][0]) != 1)
    _persons(factory, 1, "07", key)
    after = population_for(analyst, None, ("district",))["rows"][0]["count"]
    assert (before, after) == (30 + table[30][0], 31 + table[31][key]) and after - before != 1


def test_an_unknown_district_hides_nothing_else(db, factory):
    """One new arrival without an address made secondary suppression hide most of a report's table."""
    for district in ("07", "08", "09"):
        _persons(factory, 12, district, 1)
    _persons(factory, 1, None, 5)
    tables = population_tables(None, ("district", "age_group"))
    assert tables[("district",)][(None,)] >= K  # one person, published as 3 to 5
    assert all(v is not None and v >= K for table in tables.values() for v in table.values())


def test_caseworker_gets_exact_counts_of_own_offices(db, factory):
    _persons(factory, 20, "07", 0)
    caseworker = factory.user("caseworker", offices=("abh",))
    rows = population_for(caseworker, None, ("district",))["rows"]
    assert rows == [{"district": "07", "count": 20}]


def test_a_query_past_the_time_limit_is_refused_with_a_clear_message(app, db, factory, login_as, monkeypatch):
    from sqlalchemy import text

    from caseapp.stats import queries

    def slow(*args, **kwargs):
        db.session.execute(text("SELECT pg_sleep(2)"))
        return []

    monkeypatch.setitem(app.config, "CASEAPP_STATS_TIMEOUT_MS", 100)
    monkeypatch.setattr(queries, "keyed_population", slow)
    c = login_as("analyst")
    resp = c.get("/api/v1/stats/population?by=district,age_group,nationality,status,sex,housing",
                 headers={"Authentication-Token": c.auth_token})
    assert resp.status_code == 400 and "dauert zu lange" in resp.get_json()["error"]
    assert db.session.execute(text("SELECT current_setting('statement_timeout')")).scalar() in ("0", "0ms")


def test_a_table_of_more_cells_than_allowed_is_refused_but_a_report_gets_it(app, db, factory, login_as,
                                                                           monkeypatch):
    """An analyst's by= with more cells than CASEAPP_STATS_MAX_CELLS gets a clear 400 (a table of ones and
    twos is of no use and would hold the worker); the same table inside a committee report is built."""
    for n, district in enumerate(("01", "02", "03", "04", "05")):
        factory.person(state="arrived", district=district, birth=f"19{70 + n}-01-15", office="abh")
    monkeypatch.setitem(app.config, "CASEAPP_STATS_MAX_CELLS", 3)
    monkeypatch.setitem(app.config, "CASEAPP_STATS_TIMEOUT_MS", 10_000)  # the cells decide here, not time
    c = login_as("analyst")
    resp = c.get("/api/v1/stats/population?by=district,age_group",
                 headers={"Authentication-Token": c.auth_token})
    assert resp.status_code == 400
    message = resp.get_json()["error"]
    assert "nach Stadtteil (district), Altersgruppe (age_group) ergibt mehr als 3 Zellen" in message
    assert "weniger Merkmale" in message
    small = c.get("/api/v1/stats/population?by=sex", headers={"Authentication-Token": c.auth_token})
    assert small.status_code == 200
    report = population_tables(None, ("district", "age_group"), interactive=False)
    assert len(report[("district",)]) == 5


def test_the_statistics_page_says_why_when_a_table_is_refused(app, db, factory, login_as, monkeypatch):
    """A table the door refuses (too many cells or past the time budget) gives the analyst the German
    reason on the page and a way back, not a server error."""
    for n, district in enumerate(("01", "02", "03", "04", "05")):
        factory.person(state="arrived", district=district, birth=f"19{70 + n}-01-15", office="abh")
    monkeypatch.setitem(app.config, "CASEAPP_STATS_MAX_CELLS", 3)
    resp = login_as("analyst").get("/admin/stats/?rows=district&cols=age_group")
    assert resp.status_code == 503
    html = resp.get_data(as_text=True)
    assert "ergibt mehr als 3 Zellen" in html and "Standardtabelle für heute anzeigen" in html
