"""The cohort-component step on toy cohorts whose answer is known, and the forecast on a tiny city."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.forecast.model import BOY_SHARE, Rates, group_sums, project, step


def test_ageing_only():
    pop = {("07", 2, "m"): 10.0, ("07", 5, "w"): 4.0}
    out = project(pop, Rates(), 3)
    assert out[0] == {("07", 3, "m"): 10.0, ("07", 6, "w"): 4.0}
    assert out[2] == {("07", 5, "m"): 10.0, ("07", 8, "w"): 4.0}
    # 10 toddlers of 2 are crèche now, kindergarten for three years, school entry in year 4.
    assert group_sums(out[0])[("07", "kita")] == 10.0


def test_departures_arrivals_and_births():
    rates = Rates(arrivals={("07", 4, "m"): 2.0}, out_rate={3: 0.1}, fertility={30: 0.1})
    pop = {("07", 3, "m"): 100.0, ("07", 30, "w"): 50.0}
    nxt = step(pop, rates)
    assert nxt[("07", 4, "m")] == pytest.approx(90.0 + 2.0)  # 10 % leave, 2 arrive
    assert nxt[("07", 31, "w")] == pytest.approx(50.0)
    births = 50 * 0.1
    assert nxt[("07", 0, "m")] == pytest.approx(births * BOY_SHARE)
    assert nxt[("07", 0, "m")] + nxt[("07", 0, "w")] == pytest.approx(births)


def test_scenarios_scale_arrivals_and_births():
    rates = Rates(arrivals={("01", 1, "w"): 10.0}, fertility={25: 0.2})
    pop = {("01", 25, "w"): 10.0}
    low = step(pop, rates, arrivals_scale=0.5, fertility_scale=0.9)
    high = step(pop, rates, arrivals_scale=1.5, fertility_scale=1.1)
    assert low[("01", 1, "w")] == 5.0 and high[("01", 1, "w")] == 15.0
    assert sum(v for (d, a, s), v in low.items() if a == 0) == pytest.approx(1.8)


def test_forecast_on_a_tiny_city(db, factory):
    from caseapp.forecast.model import forecast

    base = date.today()
    for _ in range(6):
        factory.person(district="07", birth=date(base.year - 2, 1, 1) if base.month > 1 else date(base.year - 3, 12, 1),
                       state="housed", sex="m")
    result = forecast(base, 2, district="07", places={"07": {"kita": 4}})
    rows = {(r["year"], r["group"]): r for r in result.rows if r["district"] == "07"}
    first = rows[(base.year + 1, "kita")]
    assert first["middle"] == 6 and first["places"] == 4  # the six two-year-olds are three next year
    assert first["low"] <= first["middle"] <= first["high"]
