"""The forecast's ranges come from its measured backtest error by horizon, stored nightly or by the CLI;
the page, the API and the committee PDF print the same expected value and range, beside the children
actually counted on the cut-off day of the last school years (issue 16 item 2)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from caseapp.forecast.data import base_year, school_cutoff
from tests.factories import record_history

TODAY = date.today()
Y0 = base_year(TODAY)


@pytest.fixture()
def history_city(db, factory):
    """Five years of history: children of every school age arriving over the years, one family leaving."""
    start = TODAY - timedelta(days=5 * 365)
    adult = factory.person(district="07", birth="1985-03-01", state="housed", sex="w")
    record_history(adult, ("arrive", "arrived", start), ("house", "housed", start + timedelta(days=30)))
    for i in range(40):
        born = date(Y0 - 1 - i % 10, 1 + i % 12, 10)
        arrived = max(born + timedelta(days=60), start + timedelta(days=20 + 30 * (i % 40)))
        if arrived >= TODAY:
            arrived = TODAY - timedelta(days=1)
        child = factory.person(district=("07", "09")[i % 2], birth=born, state="housed", sex="mw"[i % 2])
        record_history(child, ("arrive", "arrived", arrived))
    gone = factory.person(district="09", birth=date(Y0 - 7, 5, 5), state="departed", sex="m")
    record_history(gone, ("arrive", "arrived", start + timedelta(days=50)),
                   ("depart", "departed", TODAY - timedelta(days=400)))
    return adult


def _store(app):
    result = app.test_cli_runner().invoke(args=["forecast", "evaluate"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_cli_stores_the_backtest_by_horizon_and_says_what_it_found(db, app, history_city):
    from caseapp.forecast.evaluation import MODEL_VERSION
    from caseapp.forecast.models import ForecastEvaluation

    output = _store(app)
    assert f"Rückrechnung zum {TODAY:%d.%m.%Y} gespeichert" in output
    assert "Horizont 1 Jahr(e)" in output and "Trefferquote der Spanne, Horizont 1" in output
    row = db.session.scalar(select(ForecastEvaluation))
    assert row.model_version == MODEL_VERSION and row.as_of == TODAY
    horizons = {bt["horizon"] for bt in row.result["backtests"]}
    assert 1 in horizons and max(horizons) <= 3
    # every backtest is a forecast from a 30 September before the school year it predicts
    for bt in row.result["backtests"]:
        assert bt["fit_date"] == school_cutoff(bt["year"] - bt["horizon"]).isoformat()
    assert str(Y0) in row.result["actual"]


def test_without_history_the_cli_says_no_backtest_is_possible(db, app, factory):
    factory.person(district="07", birth=date(Y0 - 3, 2, 2), state="housed")
    output = _store(app)
    assert "Keine Rückrechnung möglich" in output


def test_api_and_page_print_the_measured_range_and_the_counted_years(db, app, history_city, login_as):
    from caseapp.forecast.evaluation import FLOOR

    client = login_as("analyst")
    page = client.get("/admin/stats/prognose/").get_data(as_text=True)
    assert "Noch keine Rückrechnung gespeichert" in page  # before the first evaluation: say so
    _store(app)

    resp = client.get("/api/v1/stats/forecast", headers={"Authentication-Token": client.auth_token})
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["evaluation"]["as_of"] == TODAY.isoformat()
    assert {a["year"] for a in body["actual"]} <= set(range(Y0 - 3, Y0 + 1)) and body["actual"]
    shown = [r for r in body["city"] if r["expected"]]
    assert shown
    for r in shown:  # an end from 1 to 2 is hidden like any small estimate
        assert (r["range_low"] or 0) <= r["expected"] <= r["range_high"], r
        # never narrower than the floor of its horizon (a few backtest years cannot show every year)
        assert r["range_high"] - r["expected"] >= int(r["expected"] * FLOOR["city"] * r["horizon"]), r
    assert {r["reference_date"][5:] for r in shown if r["group"] in ("krippe", "kita")} <= {"08-01"}
    assert {r["reference_date"][5:] for r in shown if r["group"] == "einschulung"} <= {"09-30"}

    page = client.get("/admin/stats/prognose/").get_data(as_text=True)
    assert "Rückrechnung je Prognosehorizont" in page and 'id="actual-table"' in page
    assert "Gezählt am Stichtag der letzten Schuljahre" in page and "Spanne" in page
    first = next(r for r in shown if r["group"] == "grundschule" and r["horizon"] == 1)
    assert f"{first['range_low']}–{first['range_high']}" in page


def test_the_committee_pdf_prints_the_pages_range_for_the_same_day(db, app, history_city, login_as):
    from flask import current_app

    from caseapp.reports.committees import COMMITTEES
    from caseapp.reports.compose import compose
    from caseapp.reports.periods import parse_period
    from caseapp.reports.typography import number

    _store(app)
    client = login_as("analyst")
    headers = {"Authentication-Token": client.auth_token}
    body = client.get("/api/v1/stats/forecast", headers=headers).get_json()
    city = {(r["year"], r["group"]): r for r in body["city"]}
    with current_app.test_request_context():
        ctx = compose(COMMITTEES["schule-sport"], parse_period(f"{TODAY:%Y-%m}"), TODAY)
    tables = [b for s in ctx["sections"] for b in s.blocks
              if getattr(b, "caption", "").startswith("Stadt insgesamt, nach Schuljahr")]
    assert tables
    compared = 0
    for table in tables:
        for row in table.rows:
            year = int(row[0][:4])
            if not row[3]:  # a counted year
                continue
            group = "einschulung" if "einschulung" in table.caption.lower() or tables.index(table) == 0 \
                else "grundschule"
            r = city[(year, group)]
            if r["range_low"] and r["range_low"] >= 3:
                assert row[3] == f"{number(r['range_low'])}\u2013{number(r['range_high'])}", (row, r)
                compared += 1
    assert compared >= 6
    counted = [row for row in tables[0].rows if not row[3]]
    assert [int(row[0][:4]) for row in counted] == sorted({a["year"] for a in body["actual"]})


def test_the_nightly_task_stores_an_evaluation(db, history_city):
    from caseapp.forecast.models import ForecastEvaluation
    from caseapp.tasks.schedule import BEAT_SCHEDULE
    from caseapp.tasks.stats import forecast_evaluate_task

    assert forecast_evaluate_task.delay().get() == TODAY.isoformat()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ForecastEvaluation)) == 1
    assert BEAT_SCHEDULE["forecast-evaluate-nightly"]["task"] == forecast_evaluate_task.name


def test_ranges_widen_with_the_horizon_and_coverage_is_measured_out_of_sample():
    from caseapp.forecast.evaluation import coverage_of, half_width, widths

    def bt(year, h, pred, act):
        return {"year": year, "horizon": h, "rows": [["07", "kita", pred, act]]}

    backtests = [bt(2024, 1, 90, 100), bt(2025, 1, 104, 100), bt(2026, 1, 100, 100), bt(2026, 2, 80, 100)]
    w = widths(backtests)
    assert w["kita"]["1"]["city"] == pytest.approx(0.10) and w["kita"]["2"]["city"] == pytest.approx(0.20)
    assert half_width(w, "kita", 1, "city") == (pytest.approx(0.10), True)
    assert half_width(w, "kita", 4, "city") == (pytest.approx(0.40), False)  # extended from horizon 2
    assert half_width({}, "kita", 3, "district") == (pytest.approx(0.15), False)  # the floor
    cov = coverage_of(backtests)
    # 2024 (-10 %) against the others' 4 %: outside; 2025 (+4 %) within 10 %; 2026 (0 %) within 10 %
    assert cov["1"]["city"] == [2, 3]


def test_todays_forecast_is_the_nightly_one_equal_to_a_fresh_one_with_todays_places(db, app, history_city,
                                                                                    login_as):
    """After the evaluation the page and API answer from the stored forecast (and say when it was computed);
    its figures equal a forecast computed now for the same day, and places entered later count at once."""
    from caseapp.districts.models import DistrictPlaces

    client = login_as("analyst")
    headers = {"Authentication-Token": client.auth_token}
    assert client.get("/api/v1/stats/forecast", headers=headers).get_json()["computed_at"] is None
    _store(app)
    stored = client.get("/api/v1/stats/forecast", headers=headers).get_json()
    fresh = client.get(f"/api/v1/stats/forecast?base_date={TODAY.isoformat()}", headers=headers).get_json()
    assert stored["computed_at"] and fresh["computed_at"] is None
    assert stored["rows"] == fresh["rows"] and stored["city"] == fresh["city"]
    page = client.get("/admin/stats/prognose/").get_data(as_text=True)
    assert "Mit der nächtlichen Rückrechnung am" in page

    db.session.add(DistrictPlaces(district_number="07", kind="grundschule", year=Y0 + 1, places=40))
    db.session.commit()
    rows = client.get("/api/v1/stats/forecast?district=07", headers=headers).get_json()["rows"]
    row = next(r for r in rows if r["group"] == "grundschule" and r["year"] == Y0 + 1)
    assert row["places"] == 40 and row["coverage"] == pytest.approx(100 * 40 / row["expected"])
