"""Benchmark: the disclosure harness (tests/disclosure_harness.py) on the demo city, old method against
the cell-key method, and the cost of protected `by=` answers.

    .venv/bin/python bench/bench_disclosure.py --persons 45000 --seeds 1 2
    .venv/bin/python bench/bench_disclosure.py --persons 200000 --seeds 1 --cost-only

For each seed: a throw-away database with the demo city; the published tables of today and of a week
ago (every one- and two-way table, four three-way tables, a report's minors table) by both methods;
information loss and what the harness's attacker recovers; then the time of population_for for an
analyst with 1 to 6 dims (median of 3). Prints one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from itertools import combinations

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from demo_db import demo_database


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=45_000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--cost-only", action="store_true")
    args = ap.parse_args()
    out = {}
    for seed in args.seeds:
        with demo_database(args.persons, seed=seed) as (url, _fill):
            out[f"seed {seed}"] = measure(url, args.cost_only)
    print(json.dumps(out, indent=2, default=str))


def measure(url: str, cost_only: bool) -> dict:
    from caseapp import create_app
    from caseapp.extensions import db
    from caseapp.stats.dims import DIMS
    from caseapp.stats.publish import TooCostly, population_for
    from tests.disclosure_harness import evaluate

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key", "TESTING": True,
                      "SECURITY_TWO_FACTOR_REQUIRED": False, "WTF_CSRF_ENABLED": False})
    out: dict = {}
    with app.app_context():
        today = date.today()
        if not cost_only:
            for method in ("suppression", "cellkey"):
                t = time.perf_counter()
                out[method] = evaluate(today - timedelta(days=7), today, method, 3)
                out[method]["harness_s"] = round(time.perf_counter() - t, 1)

        class Reader:  # not a caseworker: publish.publication protects
            office_codes = ()

        reader = Reader()
        cost = {}
        for n in range(1, 7):  # the six base dims; the office dims are filters of their own
            dims = next(iter(combinations(DIMS, n)))
            for day in (today, today - timedelta(days=30)):
                runs, rows, refused = [], [], None
                for _ in range(3):
                    t = time.perf_counter()
                    try:
                        rows = population_for(reader, day, dims)["rows"]
                    except TooCostly as exc:  # refused with a message: also an answer, timed the same
                        refused = str(exc)[:80]
                    runs.append(time.perf_counter() - t)
                    db.session.rollback()
                cost[f"{n} dims {'today' if day == today else 'past'}"] = {
                    "median_s": round(statistics.median(runs), 3), "cells": len(rows),
                    **({"refused": refused} if refused else {})}
        out["cost"] = cost
    return out


if __name__ == "__main__":
    main()
