"""Benchmark: what anchoring the audit chain after every commit costs (issue 13, item 10).

    .venv/bin/python bench/bench_audit_anchor.py [--commits 400]

Creates a throw-away PostgreSQL database (TEST_DATABASE_URL's server), migrates it, then runs --commits
transactions that each write one audit row (as an audited page view does) and commit: once with an anchor
after every commit (CASEAPP_AUDIT_ANCHOR_ROWS=1, the default: tail read of the anchor file, check of the
rows since the last anchor, append + fsync) and once without anchoring. Prints one JSON object with the
median and 95th percentile milliseconds per commit for both, and the anchor file's size per line.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import psycopg


def _run(app, commits: int, rows_setting: int) -> list[float]:
    from caseapp.audit.operations import record
    from caseapp.extensions import db

    app.config["CASEAPP_AUDIT_ANCHOR_ROWS"] = rows_setting
    times = []
    with app.app_context():
        for i in range(commits):
            start = time.perf_counter()
            record("read", "person", i, actor="bench", channel="cli", detail="view=list n=1 ids=,1,")
            db.session.commit()
            times.append((time.perf_counter() - start) * 1000)
    return times


def _summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95)], 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--commits", type=int, default=400)
    args = ap.parse_args()
    server = os.environ.get("TEST_DATABASE_URL", "postgresql://root@127.0.0.1:5432/postgres")
    name = f"bench_anchor_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        from flask_migrate import upgrade

        from caseapp import create_app

        url = server.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name
        anchors = Path(tempfile.mkdtemp()) / "anchors.jsonl"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key", "TESTING": True,
                          "REDIS_URL": None, "CASEAPP_AUDIT_ANCHOR_FILE": str(anchors)})
        with app.app_context():
            upgrade()
        _run(app, 20, 1)  # warm up
        anchored = _run(app, args.commits, 1)
        lines = len(anchors.read_text().splitlines())
        size = anchors.stat().st_size
        plain = _run(app, args.commits, 10**9)
        with app.app_context():
            from caseapp.extensions import db

            db.engine.dispose()
        print(json.dumps({"commits": args.commits, "anchor_every_commit": _summary(anchored),
                          "no_anchor": _summary(plain), "anchor_lines": lines,
                          "bytes_per_anchor": round(size / max(lines, 1)), "load": os.getloadavg()[0]}))
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
