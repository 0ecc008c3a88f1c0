"""What a caseworker's transition waits for while a delivery is imported (issue 18 item 3's stall).

    .venv/bin/python bench/bench_import_locks.py --template caseapp_bench_200k [--records 50000]

The template is a demo city kept by `bench/bench_stats.py --persons 200000 --keep caseapp_bench_200k`
(run both with the same SECRET_KEY and CASEAPP_AUDIT_KEY, or the audit anchors complain). A copy of it
gets the load test's soz delivery (loadtests/run.py soz_delivery) through `caseapp sync import soz` in a
process of its own; beside it, every 0.3 s, one caseworker transition ("arrive" of an announced person
the delivery does not concern, its own transaction) is timed, and every 0.2 s the backends of the copy
that wait for a lock are read from pg_stat_activity and pg_locks. Prints the import's time, the
transitions over one second and the first and last waits seen; drops the copy.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "loadtests"))

SERVER = "postgresql://root@127.0.0.1:5432"


def sample_waits(url: str, name: str, found: list, stop: threading.Event, t0: float) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.is_set():
            rows = conn.execute(
                "SELECT a.wait_event, left(a.query, 70), (SELECT string_agg(DISTINCT coalesce("
                "l.relation::regclass::text, l.locktype), ',') FROM pg_locks l WHERE l.pid = a.pid AND NOT "
                "l.granted) FROM pg_stat_activity a WHERE a.datname = %s AND a.wait_event_type = 'Lock'",
                (name,)).fetchall()
            if rows:
                found.append((round(time.time() - t0, 1), rows))
            time.sleep(0.2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--template", required=True)
    ap.add_argument("--records", type=int, default=50_000)
    args = ap.parse_args()
    import run as loadtest  # loadtests/run.py: the load test's delivery

    name = f"bench_locks_{os.getpid()}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{args.template}"')
    url = f"{SERVER}/{name}"
    try:
        delivery = loadtest.soz_delivery(url, args.records, 1, Path(tempfile.mkdtemp(prefix="bench-locks-")))
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": "", "PYTHONPATH": str(ROOT),
               "SECRET_KEY": os.environ.get("SECRET_KEY", "bench"),
               "CASEAPP_AUDIT_KEY": os.environ.get("CASEAPP_AUDIT_KEY", "bench-audit-key-bench-audit-key-1")}
        os.environ.update({k: env[k] for k in ("SECRET_KEY", "CASEAPP_AUDIT_KEY")})
        from sqlalchemy import select

        from caseapp import create_app
        from caseapp.extensions import db
        from caseapp.people.models import Person
        from caseapp.people.operations import run_transition

        app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://"),
                          "REDIS_URL": None})
        waits: list = []
        stop = threading.Event()
        t0 = time.time()
        threading.Thread(target=sample_waits, args=(url, name, waits, stop, t0), daemon=True).start()
        cli = str(Path(sys.executable).with_name("caseapp"))
        imp = subprocess.Popen([cli, "sync", "import", "soz", str(delivery), "--json"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        timings = []
        with app.app_context():
            # Persons the delivery cannot touch (it holds persons not yet known to soz): a wait is then
            # for something the two transactions share, not for the person's own row.
            from caseapp.people.models import PersonOffice

            ids = list(db.session.scalars(select(Person.id).where(
                Person.state == "announced", Person.id.in_(select(PersonOffice.person_id).where(
                    PersonOffice.office_code == "soz"))).limit(5000)))
            db.session.commit()
            while imp.poll() is None and ids:
                person = db.session.get(Person, ids.pop())
                t = time.perf_counter()
                run_transition(person, "arrive", actor="bench", reason="Messung")
                db.session.commit()
                timings.append((round(time.time() - t0, 1), round(time.perf_counter() - t, 2)))
                time.sleep(0.3)
        stop.set()
        summary = imp.stdout.read().strip().splitlines()[-1]
        print(f"import: {time.time() - t0:.1f} s, {summary[:160]}")
        slow = [t for t in timings if t[1] > 1]
        print(f"transitions: {len(timings)}, over 1 s: {len(slow)} {slow[:10]}, "
              f"max {max((t[1] for t in timings), default=0)} s")
        print(f"lock waits seen: {len(waits)}; first and last:")
        for seen in waits[:3] + waits[-3:]:
            print(" ", seen)
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
