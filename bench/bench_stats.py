"""Benchmark: population statistics and the dashboard on PostgreSQL with the demo city.

    .venv/bin/python bench/bench_stats.py --persons 200000 [--keep DBNAME] [--details]

Creates a throw-away database, migrates it, fills it with `caseapp demo`, then measures
(1) district x age group x nationality for today, median of 20 runs, with a committed write between
runs and a check that the figure moved; (2) GET /admin/stats/ for an analyst, median of 10;
(2b) the same page for a past date (1, 30 and 365 days ago), median of 5; (3) the forecast
backtest error on the demo city; with --details also (4) the cube against the plain GROUP BY
for several tables, re-based today and yesterday, (5) the cube triggers' cost on writes (the
triggers are disabled for the comparison and the cube re-based afterwards). Prints one JSON object.
"""
from __future__ import annotations

import argparse
import itertools
import json
import statistics
import time
import uuid

import psycopg
from demo_db import demo_database


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=200_000)
    ap.add_argument("--keep", help="reuse this existing database (already filled) and keep it")
    ap.add_argument(
        "--details", action="store_true", help="also compare cube and plain count, and write cost"
    )
    args = ap.parse_args()
    with demo_database(args.persons, args.keep) as (url, fill):
        out = measure(url, fill)
        if args.details:
            out.update(details(url))
        print(json.dumps(out, indent=2, default=str))


def measure(url: str, fill) -> dict:
    from caseapp import create_app
    from caseapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key", "TESTING": True,
                      "SECURITY_TWO_FACTOR_REQUIRED": False, "WTF_CSRF_ENABLED": False})
    out: dict = {"persons_filled_in_s": fill}
    with app.app_context():
        from caseapp.stats.queries import population

        persons = db.session.scalar(db.text("SELECT count(*) FROM person"))
        out["persons"] = persons
        by = ("district", "age_group", "nationality")
        times, moved = [], []
        pid = db.session.scalar(db.text(
            "SELECT id FROM person WHERE state IN ('arrived','accommodated','housed') AND "
            "district_number='07' LIMIT 1"))
        for i in range(21):
            # A committed write between measurements: one person moves between districts 07 and 08.
            target = "08" if i % 2 == 0 else "07"
            db.session.execute(
                db.text("UPDATE person SET district_number=:d WHERE id=:id"), {"d": target, "id": pid}
            )
            db.session.commit()
            t = time.perf_counter()
            rows = population(None, by)
            times.append((time.perf_counter() - t) * 1000)
            moved.append(sum(r["count"] for r in rows if r["district"] == "08"))
            db.session.rollback()
        out["population_district_age_nationality_ms"] = {
            "median": round(statistics.median(times[1:]), 1), "min": round(min(times[1:]), 1),
            "max": round(max(times[1:]), 1), "cells": len(rows)}
        out["current_after_each_write"] = all(abs(a - b) == 1 for a, b in itertools.pairwise(moved))
        from flask_security import hash_password

        from caseapp.auth.setup import user_datastore

        email = f"bench-{uuid.uuid4().hex[:6]}@stadt-osnabrueck.de"
        user = user_datastore.create_user(
            email=email, password=hash_password("Kaffeetasse-Bruecke-42"), active=True
        )
        user_datastore.add_role_to_user(user, "analyst")
        db.session.commit()
    client = app.test_client()
    client.post("/login", json={"email": email, "password": "Kaffeetasse-Bruecke-42"})
    page = []
    for _ in range(11):
        t = time.perf_counter()
        resp = client.get("/admin/stats/")
        page.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200, resp.status_code
    out["dashboard_ms"] = {"first": round(page[0], 1), "median": round(statistics.median(page[1:]), 1)}
    # Issue 16 item 6: the statistics page for a past date (the state on that day, read from the history).
    from datetime import date, timedelta

    out["dashboard_past_ms"] = {}
    for days in (1, 30, 365):
        day = (date.today() - timedelta(days=days)).isoformat()
        page, statuses = [], []
        for _ in range(6):
            t = time.perf_counter()
            resp = client.get(f"/admin/stats/?as_of={day}&rows=district&cols=age_group")
            page.append((time.perf_counter() - t) * 1000)
            assert resp.status_code in (200, 503), resp.status_code  # 503: refused with its reason
            statuses.append(resp.status_code)
        out["dashboard_past_ms"][f"{days}_days_ago"] = {"first": round(page[0], 1),
                                                        "median": round(statistics.median(page[1:]), 1),
                                                        "refused": statuses.count(503)}
    # Issue 16 item 6 / issue 18 item 2: the forecast page. The nightly evaluation is stored first (timed);
    # then each request follows a committed write, so the forecast is computed afresh every time (the
    # per-process cache is keyed by the data's row versions), the case a user meets after any change.
    with app.app_context():
        from caseapp.forecast import evaluation

        t = time.perf_counter()
        stored = evaluation.store()
        db.session.commit()
        out["forecast_evaluation_s"] = round(time.perf_counter() - t, 2)
        out["forecast_backtests"] = [{k: bt[k] for k in ("year", "horizon", "wape", "total_error")}
                                     for bt in stored.result["backtests"]]
        out["forecast_coverage"] = stored.result["coverage"]
    fpage, cached, live = [], [], []
    for i in range(6):
        with app.app_context():
            target = "08" if i % 2 == 0 else "07"
            db.session.execute(db.text("UPDATE person SET district_number=:d WHERE id=:id"),
                               {"d": target, "id": pid})
            db.session.commit()
        t = time.perf_counter()
        resp = client.get("/admin/stats/prognose/")
        fpage.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200, resp.status_code
        t = time.perf_counter()
        client.get("/admin/stats/prognose/")
        cached.append((time.perf_counter() - t) * 1000)
        with app.app_context():
            db.session.execute(db.text("UPDATE person SET district_number=:d WHERE id=:id"),
                               {"d": "07" if target == "08" else "08", "id": pid})
            db.session.commit()
        t = time.perf_counter()  # the same forecast computed for this request (the page before tonight's run)
        resp = client.get(f"/api/v1/stats/forecast?base_date={date.today().isoformat()}")
        live.append((time.perf_counter() - t) * 1000)
        assert resp.status_code == 200 and resp.get_json()["computed_at"] is None, resp.status_code
    out["forecast_page_ms"] = {"after_a_write_median": round(statistics.median(fpage[1:]), 1),
                               "after_a_write_max": round(max(fpage[1:]), 1), "first": round(fpage[0], 1),
                               "unchanged_data_median": round(statistics.median(cached[1:]), 1),
                               "computed_now_api_median": round(statistics.median(live[1:]), 1),
                               "computed_now_api_max": round(max(live[1:]), 1)}
    with app.app_context():
        from caseapp.forecast.model import backtest

        t = time.perf_counter()
        bt = backtest()
        out["backtest"] = {"fit_date": bt["fit_date"], "target_date": bt["target_date"],
                           "wape": round(bt["wape"], 4) if bt["wape"] is not None else None,
                           "total_error": round(bt["total_error"],
                                                4) if bt["total_error"] is not None else None,
                           "by_group": {k: round(v["error"], 4) if v["error"] is not None else None
                                        for k, v in bt["by_group"].items()},
                           "seconds": round(time.perf_counter() - t, 2)}
    return out


def _median_ms(fn, runs=15) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def details(url: str) -> dict:
    from datetime import timedelta

    from caseapp import create_app
    from caseapp.extensions import db

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key", "CASEAPP_AUDIT_KEY": "bench"}
    )
    out: dict = {"tables_ms": {}}
    with app.app_context():
        from caseapp.stats import agegroups, cube
        from caseapp.stats.queries import count_by, population, today

        groups = agegroups.configured_groups()
        for gap in (0, 1):
            cube.rebase(today() - timedelta(days=gap), groups)
            db.session.commit()
            for by in [("district", "age_group", "nationality"), ("district", "age_group"), ("age_group",
                                                                                             "sex"),
                       ("district", "age_group", "nationality", "status", "sex", "housing")]:
                assert population(None, by) == count_by(today(), by, groups)
                entry = out["tables_ms"].setdefault(" x ".join(by), {})
                entry[f"cube_ref_{gap}_days_ago"] = _median_ms(lambda by=by: population(None, by))
                entry["plain"] = _median_ms(lambda by=by: count_by(today(), by, groups), runs=5)
        t = time.perf_counter()
        cube.rebase(today(), groups)
        db.session.commit()
        out["rebase_s"] = round(time.perf_counter() - t, 2)
    plain_url = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain_url) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM person WHERE state = 'housed' LIMIT 200")]
        conn.commit()
        for label in ("triggers_on", "triggers_off"):
            single = []
            for i, pid in enumerate(ids):
                t = time.perf_counter()
                conn.execute(
                    "UPDATE person SET district_number = %s WHERE id = %s", ("08" if i % 2 else "09", pid)
                )
                conn.commit()
                single.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            conn.execute("UPDATE person SET district_number = CASE WHEN district_number = '01' THEN '02' "
                         "ELSE '01' END WHERE id IN (SELECT id FROM person WHERE state = 'housed' "
                         "AND district_number IN ('01', '02') LIMIT 20000)")
            conn.commit()
            out[f"writes_{label}"] = {"single_row_update_commit_ms": round(statistics.median(single), 2),
                                      "update_20000_rows_s": round(time.perf_counter() - t, 2)}
            if label == "triggers_on":
                for name in ("stats_cube_ins", "stats_cube_upd", "stats_cube_del"):
                    conn.execute(f"ALTER TABLE person DISABLE TRIGGER {name}")
                conn.commit()
        for name in ("stats_cube_ins", "stats_cube_upd", "stats_cube_del"):
            conn.execute(f"ALTER TABLE person ENABLE TRIGGER {name}")
        conn.execute("SELECT stats_cube_rebase(ref_day, cutoffs, groups) FROM stats_cube_meta WHERE id = 1")
        conn.commit()
    return out


if __name__ == "__main__":
    main()
