"""Benchmark: committee report rendering on PostgreSQL with the 45,000-person demo city.

    .venv/bin/python bench/bench_reports.py [--persons 45000] [--period 2026-Q3] [--repeat 3] [--keep DBNAME]

Creates a throw-away database, migrates it, fills it with `caseapp demo`, runs VACUUM ANALYZE (what
autovacuum does soon after a bulk load; this server runs without autovacuum), then renders every
committee report the way the worker does (caseapp.tasks.reports.run_job: queries, charts, WeasyPrint,
archive). One round renders the three reports in turn, as the monthly run does; before each round the
process's caches are emptied (matplotlib charts, which are memoised on their figures, and the forecast
cache), so every round computes everything once and the second report with a forecast (jugendhilfe)
reuses the first one's forecast (same data date, unchanged data), as in a real run. A first round warms
up fonts and imports and is not counted; then --repeat rounds. Reports per committee the median seconds
for content (queries + charts), layout (WeasyPrint) and the whole job, the pages and seconds per page,
as wall time and as this process's CPU time (PostgreSQL's own time is in wall only), and the load
average. With --cold-forecast the forecast cache is emptied before every report (no reuse at all).
Prints one JSON object; writes the last PDFs to --out-dir when given.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from datetime import date
from pathlib import Path

from demo_db import demo_database


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=45_000)
    ap.add_argument("--period", default=None, help="default: the last complete quarter")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", help="reuse this existing database (already filled) and keep it")
    ap.add_argument("--out-dir", help="copy the rendered PDFs here")
    ap.add_argument("--cold-forecast", action="store_true", help="no forecast reuse between the reports")
    args = ap.parse_args()
    with demo_database(args.persons, args.keep) as (url, fill):
        print(json.dumps(measure(url, fill, args), indent=2, default=str))


def last_quarter(today: date) -> str:
    q = (today.month - 1) // 3  # the running quarter's index 0..3; the last complete one is q (1-based)
    return f"{today.year}-Q{q}" if q else f"{today.year - 1}-Q4"


def measure(url: str, fill, args) -> dict:
    import tempfile

    from caseapp import create_app
    from caseapp.extensions import db

    report_dir = tempfile.mkdtemp(prefix="bench-reports-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key", "TESTING": True,
                      "SECURITY_TWO_FACTOR_REQUIRED": False, "CASEAPP_REPORT_DIR": report_dir})
    period = args.period or last_quarter(date.today())
    out: dict = {"period": period, "persons_filled_in_s": fill, "cpus": os.cpu_count(),
                 "load_before": os.getloadavg()}
    with app.app_context():
        if fill is not None:
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        out["persons"] = db.session.scalar(db.text("SELECT count(*) FROM person"))
        out["shelters"] = db.session.scalar(db.text("SELECT count(*) FROM shelter"))
        out["reports"] = _rounds(period, args)
    pages = sum(r["pages"] for r in out["reports"].values())
    seconds = sum(r["job_s"] for r in out["reports"].values())
    cpu = sum(r["job_cpu_s"] for r in out["reports"].values())
    out["all_three"] = {"pages": pages, "job_s": round(seconds, 2), "s_per_page": round(seconds / pages, 3),
                        "cpu_s_per_page": round(cpu / pages, 3)}
    out["load_after"] = os.getloadavg()
    shutil.rmtree(report_dir, ignore_errors=True)
    return out


def _committees():
    from caseapp.reports.committees import COMMITTEES

    return list(COMMITTEES)


def _clear_caches() -> None:
    from caseapp.charts import basic, districtmap
    from caseapp.forecast import cache

    for chart in (basic._bar, basic._line, basic._stacked, basic._pyramid, districtmap._map):
        chart.cache_clear()
    cache.clear()


def _rounds(period: str, args) -> dict:
    from caseapp.extensions import db
    from caseapp.forecast import cache
    from caseapp.reports import operations
    from caseapp.reports.operations import request_report
    from caseapp.tasks.reports import run_job

    slugs = _committees()
    timings = {s: {"layout_s": [], "layout_cpu_s": [], "job_s": [], "job_cpu_s": [], "forecast_reused": [],
                   "load": []} for s in slugs}
    original = operations.render_document
    current: dict = {}

    def timed_render(template, context):
        t, c = time.perf_counter(), time.process_time()
        rendered = original(template, context)
        current["layout_s"], current["layout_cpu_s"] = time.perf_counter() - t, time.process_time() - c
        return rendered

    operations.render_document = timed_render
    jobs = {}
    try:
        for i in range(args.repeat + 1):
            _clear_caches()
            for slug in slugs:
                if args.cold_forecast:
                    cache.clear()
                job_id = request_report(slug, period, actor="cli", channel="cli").id
                db.session.commit()
                hits = cache.stats["hits"]
                t, c = time.perf_counter(), time.process_time()
                job = run_job(job_id)
                total, cpu = time.perf_counter() - t, time.process_time() - c
                if job.status != "done":
                    raise SystemExit(f"{slug}: {job.error}")
                jobs[slug] = job
                if i == 0:  # warm-up: fonts, imports, first queries
                    timings[slug]["first_job_s"] = total
                    continue
                row = timings[slug]
                row["job_s"].append(total)
                row["job_cpu_s"].append(cpu)
                row["layout_s"].append(current["layout_s"])
                row["layout_cpu_s"].append(current["layout_cpu_s"])
                row["forecast_reused"].append(cache.stats["hits"] > hits)
                row["load"].append(round(os.getloadavg()[0], 2))
    finally:
        operations.render_document = original
    out = {}
    for slug in slugs:
        row, job = timings[slug], jobs[slug]
        med = {k: statistics.median(row[k]) for k in ("layout_s", "layout_cpu_s", "job_s", "job_cpu_s")}
        med["content_s"] = med["job_s"] - med["layout_s"]
        if args.out_dir:
            Path(args.out_dir).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(job.file_path, Path(args.out_dir) / f"{slug}.pdf")
        out[slug] = {"pages": job.pages, "first_job_s": round(row["first_job_s"], 2),
                     **{k: round(v, 3) for k, v in med.items()},
                     "s_per_page": round(med["job_s"] / job.pages, 3),
                     "cpu_s_per_page": round(med["job_cpu_s"] / job.pages, 3),
                     "layout_s_per_page": round(med["layout_s"] / job.pages, 3),
                     "layout_cpu_s_per_page": round(med["layout_cpu_s"] / job.pages, 3),
                     "job_s_each": [round(v, 2) for v in row["job_s"]],
                     "forecast_reused": row["forecast_reused"], "load_1min": row["load"]}
    return out


if __name__ == "__main__":
    main()
