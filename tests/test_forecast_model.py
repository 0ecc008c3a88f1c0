"""The cohort-component step on toy cohorts whose answer is known, and the forecast on a tiny city."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.forecast.data import age_on, base_year, birth_class, school_cutoff
from caseapp.forecast.model import BOY_SHARE, Rates, group_sums, project, step
from tests.factories import record_history


def test_ageing_only():
    pop = {("07", 2, 0, "m"): 10.0, ("07", 5, 0, "w"): 4.0}
    out = project(pop, Rates(), 3)
    assert out[0] == {("07", 3, 0, "m"): 10.0, ("07", 6, 0, "w"): 4.0}
    assert out[2] == {("07", 5, 0, "m"): 10.0, ("07", 8, 0, "w"): 4.0}
    # 10 toddlers of 2 are kindergarten children the next school year; the four girls start school.
    assert group_sums(out[0])[("07", "kita")] == 10.0
    assert group_sums(out[0])[("07", "einschulung")] == 4.0


def test_the_legal_cut_off_days_decide_the_group():
    """Six by 30 September: school; a child born 2 August to 30 September is a year younger on 1 August,
    the start of the Kita year, so it is still a crèche child at 3 on 30 September; Flexi children are the
    school entrants with a birthday from 1 July to 30 September."""
    from caseapp.forecast.data import birth_class
    from caseapp.forecast.model import groups_of

    assert groups_of(6, 0) == ("einschulung", "grundschule")
    assert groups_of(5, 0) == ("kita",) and groups_of(5, 2) == ("kita",)
    assert groups_of(3, 0) == ("kita",) and groups_of(3, 2) == ("krippe",)
    assert groups_of(6, 2) == ("einschulung", "grundschule")  # five on 1 August, six on 30 September
    assert groups_of(-1, 0) == ()
    days = ((6, 30), (7, 1), (8, 1), (8, 2), (9, 30), (10, 1))
    assert [birth_class(date(2020, m, d)) for m, d in days] == [0, 1, 1, 2, 2, 0]
    sums = group_sums({("07", 6, 0, "m"): 5.0, ("07", 6, 1, "w"): 2.0, ("07", 6, 2, "w"): 1.0})
    assert sums[("07", "einschulung")] == 8.0 and sums[("07", "flexi")] == 3.0


def test_departures_arrivals_and_births():
    rates = Rates(arrivals={("07", 4, 0, "m"): 2.0}, out_rate={3: 0.1}, fertility={30: 0.1})
    pop = {("07", 3, 0, "m"): 100.0, ("07", 30, 0, "w"): 50.0}
    nxt = step(pop, rates)
    assert nxt[("07", 4, 0, "m")] == pytest.approx(90.0 + 2.0)  # 10 % leave, 2 arrive
    assert nxt[("07", 31, 0, "w")] == pytest.approx(50.0)
    births = 50 * 0.1
    boys = sum(v for (d, a, c, s), v in nxt.items() if a == 0 and s == "m")
    assert boys == pytest.approx(births * BOY_SHARE)
    assert sum(v for (d, a, c, s), v in nxt.items() if a == 0) == pytest.approx(births)
    # born over the year: 2 of 12 months from 2 August to 30 September
    assert nxt[("07", 0, 2, "m")] + nxt[("07", 0, 2, "w")] == pytest.approx(births * 2 / 12)


def test_scenarios_scale_arrivals_and_births():
    rates = Rates(arrivals={("01", 1, 0, "w"): 10.0}, fertility={25: 0.2})
    pop = {("01", 25, 0, "w"): 10.0}
    low = step(pop, rates, arrivals_scale=0.5, fertility_scale=0.9)
    high = step(pop, rates, arrivals_scale=1.5, fertility_scale=1.1)
    assert low[("01", 1, 0, "w")] == 5.0 and high[("01", 1, 0, "w")] == 15.0
    assert sum(v for (d, a, c, s), v in low.items() if a == 0) == pytest.approx(1.8)


def test_forecast_on_a_tiny_city(db, factory):
    from caseapp.forecast.model import forecast

    base = date.today()
    for _ in range(6):
        factory.person(district="07",
                       birth=date(base_year(base) - 2, 1, 1),
                       state="housed", sex="m")
    result = forecast(base, 2, district="07", places={"07": {"kita": 4}})
    rows = {(r["year"], r["group"]): r for r in result.rows if r["district"] == "07"}
    first = rows[(base_year(base) + 1, "kita")]
    assert first["middle"] == 6 and first["places"] == 4  # the six two-year-olds are three next year
    assert first["low"] <= first["middle"] <= first["high"]


def test_the_set_based_base_population_equals_the_statistics(db, factory):
    """forecast.data.population_rows and stats' count_by give the same cells, today and for a past day,
    with a history that changes on the day itself and a person without any history."""
    from datetime import timedelta

    from caseapp.forecast.data import SINGLE_YEARS, population_rows
    from caseapp.stats.queries import count_by

    today = date.today()
    past = today - timedelta(days=30)
    a = factory.person(district="03", birth=date(today.year - 4, 3, 1), state="housed", sex="w")
    b = factory.person(district="05", birth=date(today.year - 30, 3, 1), state="departed")
    c = factory.person(district="05", birth=date(today.year - 7, 3, 1), state="accommodated")
    factory.person(district="07", birth=date(today.year - 1, 3, 1), state="housed")  # no history
    record_history(a, ("arrive", "arrived", past - timedelta(days=5)), ("house", "housed", past))
    record_history(
        b, ("arrive", "arrived", past - timedelta(days=90)), ("depart", "departed", past + timedelta(days=1))
    )
    record_history(c, ("arrive", "arrived", past + timedelta(days=2)))
    for day in (today, past, past - timedelta(days=10)):
        mine = {(d, SINGLE_YEARS[age].label, s, h): n for d, age, s, h, n in population_rows(day)}
        theirs = {(r["district"], r["age_group"], r["sex"], r["housing"]): r["count"]
                  for r in count_by(day, ("district", "age_group", "sex", "housing"), SINGLE_YEARS)}
        assert mine == theirs and mine, day


def test_a_cached_forecast_is_never_served_after_the_data_changed(db, factory):
    """The second identical request is answered from the cache (same figures); after a person is added,
    changed or removed the forecast is computed again and shows it; a caller changing its rows does
    not change what the next caller gets."""
    from caseapp.forecast import cache
    from caseapp.forecast.model import forecast

    cache.clear()
    base = date.today()
    two = date(base_year(base) - 2, 1, 1)
    kids = [factory.person(district="07", birth=two, state="housed", sex="m") for _ in range(6)]

    def kita_next_year():
        rows = {
            (r["year"], r["group"]): r for r in forecast(base, 2, places={}).rows if r["district"] == "07"
        }
        return rows[(base_year(base) + 1, "kita")]["middle"]

    hits = cache.stats["hits"]
    assert kita_next_year() == 6
    first = forecast(base, 2, places={})
    assert cache.stats["hits"] == hits + 1
    first.rows[0]["middle"] = 999  # a caller's change stays with that caller
    assert 999 not in [r["middle"] for r in forecast(base, 2, places={}).rows]

    factory.person(district="07", birth=two, state="housed", sex="w")
    assert kita_next_year() == 7  # an insert
    kids[0].district_number = "08"
    db.session.flush()
    assert kita_next_year() == 6  # an update, in the same transaction as the first request
    db.session.delete(kids[1])
    db.session.flush()
    assert kita_next_year() == 5  # a delete


def test_births_are_the_newborns_registered_or_arriving_each_counted_once_and_never_as_arrivals(db, factory):
    """A sync delivers a newborn as a new record (registered straight into the family's state); a
    caseworker registers one and records the arrival. Both are births, once each. A source's first
    delivery registering a three-year-old who lives here already is neither a birth nor an arrival."""
    from datetime import timedelta

    from caseapp.forecast.data import load

    today = date.today()
    born = today - timedelta(days=120)
    synced = factory.person(district="07", birth=born, state="housed", sex="w")
    record_history(synced, ("register", "housed", born + timedelta(days=9)))
    by_hand = factory.person(district="07", birth=born, state="arrived", sex="m")
    record_history(by_hand, ("register", "announced", born + timedelta(days=2)),
                   ("arrive", "arrived", born + timedelta(days=20)))
    settled = factory.person(district="07", birth=today - timedelta(days=3 * 365), state="housed")
    record_history(settled, ("register", "housed", today - timedelta(days=30)))
    child = factory.person(
        district="05", birth=today - timedelta(days=5 * 365 + 30), state="arrived", sex="w"
    )
    record_history(child, ("arrive", "arrived", today - timedelta(days=200)))
    data = load(today, years=3)
    assert data.births_per_year == pytest.approx(2 / 3)
    arrived = today - timedelta(days=200)
    at_cutoff = age_on(child.birth_date, school_cutoff(base_year(arrived) + 1))  # where the model adds them
    key = ("05", at_cutoff, birth_class(child.birth_date), "w")
    assert dict(data.arrivals) == {key: pytest.approx(1 / 3)}
    assert sum(data.arrivals_by_year) == 1
