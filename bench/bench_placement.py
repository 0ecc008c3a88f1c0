"""Benchmark: ranked placements and the per-shelter board at 200,000 persons and 60 shelters (issue 15).

Run: .venv/bin/python bench/bench_placement.py [--persons 200000] [--repeat 30]
         [--server postgresql://root@127.0.0.1:5432/postgres] [--keep DB]
Creates and drops its own database, fills persons with bench_person_list's set-based SQL, then 60 open
shelters (one of exactly 300 beds, the others 100-299; rooms of 4 beds with features), stays for 85 % of
the beds and households of four. Times whole requests through the Flask test client as a shelter
manager. Targets: GET /api/v1/placements (a household of four, a single woman) median <= 100 ms; the
board of the 300-bed shelter median <= 150 ms.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_person_list import fill as fill_persons
from tests import services
from tests.conftest import TEST_PASSWORD, make_app

EMAIL = "bench-unterkunft@stadt-osnabrueck.de"
SHELTERS = 60


def fill_shelters(conn) -> None:
    conn.execute(f"""
        INSERT INTO shelter (name, district_number, state, fire_safety_max)
        SELECT 'GU Bench ' || i, lpad((1 + i % 23)::text, 2, '0'), 'open',
               CASE WHEN i % 5 = 0 THEN (CASE WHEN i = 1 THEN 300 ELSE 100 + (i * 37) % 200 END) - 8 END
        FROM generate_series(1, {SHELTERS}) AS i""")
    conn.execute("""
        INSERT INTO room (shelter_id, name, beds, blocked_beds, accessible, family, women_only, mixed)
        SELECT s.id, (1 + r / 20)::text || '.' || lpad((r % 20 + 1)::text, 2, '0'), 4,
               CASE WHEN r % 13 = 0 THEN 1 ELSE 0 END,
               r % 5 = 0, r % 4 = 0, r % 7 = 3, r % 11 = 5
        FROM shelter s,
             generate_series(0, (CASE WHEN s.name = 'GU Bench 1' THEN 300
                                 ELSE 100 + ((substr(s.name, 10)::int) * 37) % 200 END) / 4 - 1) AS r""")
    # Households of four among the accommodated persons, then stays for 85 % of the usable beds.
    conn.execute("""
        INSERT INTO household (label) SELECT 'Bench ' || g FROM generate_series(1, 3000) AS g""")
    conn.execute("""
        WITH acc AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM person
                     WHERE state = 'accommodated'),
             h AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM household)
        UPDATE person SET household_id = h.id FROM acc JOIN h ON h.n = (acc.n - 1) / 4 + 1
        WHERE person.id = acc.id AND acc.n <= 12000 AND acc.n % 3 <> 0""")
    conn.execute("""
        WITH slots AS (SELECT r.id AS room_id, row_number() OVER (ORDER BY r.shelter_id, r.id, b) AS n
                       FROM room r, generate_series(1, r.beds - r.blocked_beds) AS b
                       WHERE (r.id * 7 + b) % 20 < 17),
             acc AS (SELECT id, row_number() OVER (ORDER BY household_id NULLS LAST, id) AS n
                     FROM person WHERE state = 'accommodated')
        INSERT INTO stay (person_id, room_id, start_date)
        SELECT acc.id, slots.room_id, DATE '2026-01-01' FROM slots JOIN acc ON acc.n = slots.n""")
    conn.execute("VACUUM ANALYZE")


def timed(client, url: str, repeat: int, headers=None) -> tuple[float, float, object]:
    """Median wall-clock and median CPU time of this process (ms): on a shared, loaded machine the CPU
    time says what the request costs, the wall-clock what a user waited."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        resp = client.get(url, headers=headers)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert resp.status_code == 200, (url, resp.status_code, resp.get_data(as_text=True)[:300])
    return statistics.median(wall), statistics.median(cpu), resp


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--server", default=services.DEFAULT_PG)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--keep", metavar="DB")
    args = parser.parse_args()

    import psycopg
    from flask_migrate import upgrade

    fresh = True
    if args.keep:
        name, url = args.keep, args.server.rsplit("/", 1)[0] + "/" + args.keep
        with psycopg.connect(args.server, autocommit=True) as conn:
            fresh = not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if fresh:
                conn.execute(f'CREATE DATABASE "{name}"')
    else:
        url, name = services.create_database(args.server)
    try:
        app = make_app(url.replace("postgresql://", "postgresql+psycopg://"), REDIS_URL=args.redis,
                       CASEAPP_SESSION_DIR=tempfile.mkdtemp(prefix="bench-sessions-"))
        from caseapp.extensions import db
        from tests.factories import Factory

        with app.app_context():
            upgrade()  # a kept database follows the migrations that came since
        if fresh:
            with app.app_context():
                Factory(db).user(role="shelter_manager", offices=(), email=EMAIL)
                db.session.commit()
                db.session.remove()
            start = time.perf_counter()
            with psycopg.connect(url, autocommit=True) as conn:
                fill_persons(conn, args.persons)
                fill_shelters(conn)
            took = time.perf_counter() - start
            print(f"filled {args.persons} persons, {SHELTERS} shelters in {took:.1f} s")
        with app.app_context():
            f = Factory(db)
            family = f.household("Bench-Familie")
            members = [f.person(state="arrived", sex=s, birth=b, household=family, needs=n)
                       for s, b, n in (("w", "1988-01-01", None), ("m", "1986-01-01", None),
                                       ("m", "2015-01-00", "rollstuhl"), ("w", "2019-01-00", None))]
            woman = f.person(state="arrived", sex="w")
            db.session.commit()
            family_id, woman_id = family.id, woman.id
            big = db.session.execute(db.text("SELECT id FROM shelter WHERE name = 'GU Bench 1'")).scalar()
            counts = db.session.execute(db.text(
                "SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM shelter),"
                " (SELECT sum(beds) FROM room), (SELECT count(*) FROM stay WHERE end_date IS NULL)")).one()
            db.session.remove()
            assert members
        print(f"persons {counts[0]}, shelters {counts[1]}, beds {counts[2]}, active stays {counts[3]}")
        client = app.test_client()
        resp = client.post("/login?include_auth_token", json={"email": EMAIL, "password": TEST_PASSWORD})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        token = {"Authentication-Token": resp.get_json()["response"]["user"]["authentication_token"]}
        cases = [
            ("placements, household of four", f"/api/v1/placements?household_id={family_id}", 100, token),
            ("placements, single woman", f"/api/v1/placements?person_id={woman_id}", 100, token),
            ("board, 300-bed shelter", f"/admin/board/{big}/", 150, None),
        ]
        for _label, path, _target, headers in cases:  # warm-up
            client.get(path, headers=headers)
        failed = False
        print(f"{'case':34} {'wall ms':>8} {'cpu ms':>7}  detail")
        for label, path, target, headers in cases:
            wall, cpu, resp = timed(client, path, args.repeat, headers)
            cells = resp.get_data(as_text=True).count(' bed bed-')
            detail = f"{len(resp.get_json()['suggestions'])} suggestions" if headers else f"{cells} bed cells"
            failed |= wall > target
            print(f"{label:34} {wall:8.1f} {cpu:7.1f}  {detail}; target <= {target} ms "
                  f"{'ok' if wall <= target else 'MISSED'}")
        with app.app_context():
            db.engine.dispose()
        return 1 if failed else 0
    finally:
        if not args.keep:
            services.drop_database(args.server, name)


if __name__ == "__main__":
    sys.exit(main())
