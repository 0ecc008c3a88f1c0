"""Benchmark: the caseworker's person list at 200,000 persons on PostgreSQL (issue 4).

Run: .venv/bin/python bench/bench_person_list.py [--persons 200000] [--repeat 30]
         [--server postgresql://root@127.0.0.1:5432/postgres]
Creates and drops its own database, fills it with set-based SQL, logs in as a caseworker of `abh` and
times whole requests through the Flask test client (routing, access narrowing, query, template).
Targets: median <= 25 ms for page 1 sorted by name, <= 40 ms for a name search. It also counts the
SQL statements of one page (bounded: no count(*), no per-row queries).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import services
from tests.conftest import TEST_PASSWORD, make_app

FAMILY = ["Haddad", "Al-Hassan", "Ibrahim", "Kidane", "Bondarenko", "Petrova", "Öztürk", "Wiśniewski", "Stan",
          "Rahimi", "Popescu", "Nowak", "Demir", "Yilmaz", "Hosseini", "Abdi", "Tesfay", "Kovalenko",
          "Müller", "Schmidt", "Nguyen", "Mahmoud", "Sahin", "Horvat", "Jovanović", "Krasniqi", "Berisha",
          "Osei"]
SUFFIX = ["", "-Khan", "i", "ov", "escu", "ić", "er", "ski", "a", "an", "o", "el", "ar", "us", "en", "ek",
          "in", "ay", "ou", "is", "ur", "ba", "mi", "to", "ra", "ze", "lo", "ve", "ni", "da"]
GIVEN = ["Samir", "Leila", "Omar", "Fatima", "Iryna", "Daniel", "Maria", "Hüseyin", "Zainab", "Ahmad",
         "Olena", "Mehmet", "Amina", "Yusuf", "Sara", "Ali", "Nour", "Dmytro", "Jörg", "Grace", "Lina",
         "Tariq", "Mariam", "Bashir", "Oksana", "Arben", "Elif", "Kofi", "Hana", "Reza"]
NATIONS = ["SYR", "AFG", "UKR", "IRQ", "TUR", "ERI", "ROU", "POL", "BGR", "RUS", "SOM", "IRN", "XKX", "XXA"]
STATUS = ["ANKUNFT", "GESTATTUNG", "DULDUNG", "AE", "NE", "EU", "FIKTION", "OHNE"]
STATES = ["announced", "arrived", "accommodated", "housed", "departed"]
EMAIL = "bench@stadt-osnabrueck.de"


def _array(values) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def fill(conn, persons: int) -> None:
    """Persons (85 % known to abh, the rest to soz or jug) with ~840 family names; one statement each."""
    conn.execute(f"""
        INSERT INTO person (family_name, given_names, birth_date, birth_precision, sex, nationality,
                            residence_status, state, district_number, registered_by_office, record_key)
        SELECT f[1 + (i * 11) % {len(FAMILY)}] || s[1 + (i / 97) % {len(SUFFIX)}],
               g[1 + (i * 13) % {len(GIVEN)}] || CASE WHEN i % 3 = 0 THEN ' ' || g[1 + (i / 7) % {len(GIVEN)}]
                                                      ELSE '' END,
               DATE '1950-01-01' + (i * 37) % 27000, 'day', (ARRAY['m','w','d','x'])[1 + i % 4],
               n[1 + (i / 3) % {len(NATIONS)}], st[1 + (i / 5) % {len(STATUS)}], ps[1 + (i / 11) % 5],
               lpad((1 + i % 23)::text, 2, '0'),
               CASE WHEN i % 20 < 17 THEN 'abh' WHEN i % 2 = 0 THEN 'soz' ELSE 'jug' END,
               (i * 167) % 256
        FROM generate_series(1, {persons}) AS i,
             (SELECT {_array(FAMILY)} AS f, {_array(SUFFIX)} AS s, {_array(GIVEN)} AS g,
                     {_array(NATIONS)} AS n, {_array(STATUS)} AS st, {_array(STATES)} AS ps) AS lists
    """)
    conn.execute("""INSERT INTO person_nationality (person_id, position, code)
                    SELECT id, 0, nationality FROM person""")
    conn.execute("""INSERT INTO person_office (person_id, office_code, via)
                    SELECT id, registered_by_office, 'registration' FROM person""")
    # What autovacuum does soon after a bulk load; it also merges the GIN pending list of the trigram index.
    conn.execute("VACUUM ANALYZE")


def timed(client, url: str, repeat: int) -> tuple[float, float, int]:
    """Median wall-clock and median CPU time of this process (ms) per request, and the rows shown."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        resp = client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert resp.status_code == 200, (url, resp.status_code, resp.headers.get("Location"))
    rows = resp.get_data(as_text=True).count("details/?id=")
    return statistics.median(wall), statistics.median(cpu), rows


def statements_of(app, client, url: str) -> list[tuple[str, object]]:
    """Every SQL statement one request runs, with its parameters."""
    from sqlalchemy import event

    from caseapp.extensions import db

    seen = []
    with app.app_context():
        engine = db.engine
    listener = lambda conn, cursor, stmt, params, *rest: seen.append((stmt, params))
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert not any("count(" in s.lower() and "from person" in s.lower() for s, _ in seen), "count(*) per page"
    return seen


def list_query_ms(app, statements) -> float:
    """Server execution time (EXPLAIN ANALYZE) of the page's person query."""
    from caseapp.extensions import db

    # The last such statement: a name search may first check whether the names as typed find anyone.
    stmt, params = next((s, p) for s, p in reversed(statements) if "FROM person" in s and "LIMIT" in s)
    with app.app_context(), db.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + stmt, params).scalar()
    return plan[0]["Execution Time"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--server", default=services.DEFAULT_PG)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--keep", metavar="DB", help="reuse (or create and keep) this database instead of a "
                                                     "throw-away one")
    parser.add_argument("--profile", metavar="URL", help="profile this page (cProfile, top 45)")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key for --profile")
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
        # Sessions in Redis as in production (its own database number, nothing else lives there).
        app = make_app(url.replace("postgresql://", "postgresql+psycopg://"), REDIS_URL=args.redis,
                       CASEAPP_SESSION_DIR=tempfile.mkdtemp(prefix="bench-sessions-"))
        from caseapp.extensions import db
        from tests.factories import Factory

        if fresh:
            with app.app_context():
                upgrade()
                Factory(db).user(role="caseworker", offices=("abh",), email=EMAIL)
                db.session.commit()
                db.session.remove()
            start = time.perf_counter()
            with psycopg.connect(url, autocommit=True) as conn:
                fill(conn, args.persons)
            print(f"filled {args.persons} persons in {time.perf_counter() - start:.1f} s")
        client = app.test_client()
        resp = client.post("/login?include_auth_token", json={"email": EMAIL, "password": TEST_PASSWORD})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        def searched(term: str) -> str:
            """The list URL of a posted search (the term travels in the POST body, the URL holds a token)."""
            import re

            page = client.get("/admin/person/").get_data(as_text=True)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
            resp = client.post("/admin/person/search/", data={"search": term, "csrf_token": token})
            assert resp.status_code == 302, resp.status_code
            return resp.headers["Location"]

        cases = [
            ("page 1, default sort (name)", "/admin/person/", 25),
            ("page 1, sorted by name (explicit)", "/admin/person/?sort=0", 25),
            ("page 1, sorted by name, descending", "/admin/person/?sort=0&desc=1", 25),
            ("page 1, sorted by birth date", "/admin/person/?sort=1", None),
            ("page 20, sorted by name", "/admin/person/?page=19", None),
            ("name search, common ('haddad')", searched("haddad"), 40),
            ("name search, rare ('öztürkescu')", searched("öztürkescu"), 40),
            ("name search, two terms ('kidaneov reza')", searched("kidaneov reza"), 40),
            ("name search, no hit ('zzqx')", searched("zzqx"), 40),
            ("list form ('Haddadi, Omar')", searched("Haddadi, Omar"), 40),
            ("spelling variant ('hadadi omar')", searched("hadadi omar"), 40),
            ("one-letter typo ('haddat')", searched("haddat"), 40),
            ("name and birth date ('haddad 01.02.1960')", searched("haddad 01.02.1960"), 40),
            ("birth date only ('01.02.1960')", searched("01.02.1960"), 40),
            ("person number ('4711')", searched("4711"), 40),
            ("filter nationality = SYR", "/admin/person/?flt1_2=SYR", None),
        ]
        for _label, path, _target in cases:  # warm-up
            client.get(path)
        if args.profile and args.sort == "pyinstrument":
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002)
            profiler.start()
            for _ in range(args.repeat):
                client.get(args.profile)
            profiler.stop()
            print(profiler.output_text(show_all=False, color=False))
            return 0
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.repeat):
                client.get(args.profile)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(45)
            return 0
        failed = False
        print(f"{'case':42} {'wall ms':>8} {'cpu ms':>7} {'db ms':>6} {'rows':>4} {'SQL':>4}  target (wall "
              "median)")
        for label, path, target in cases:
            wall, cpu, rows = timed(client, path, args.repeat)
            statements = statements_of(app, client, path)
            db_ms = list_query_ms(app, statements)
            verdict = "" if target is None else (f"<= {target} ms " + ("ok" if wall <= target else "MISSED"))
            failed |= target is not None and wall > target
            print(f"{label:42} {wall:8.1f} {cpu:7.1f} {db_ms:6.1f} {rows:4d} {len(statements):4d}  {verdict}")
        with app.app_context():
            db.engine.dispose()
        return 1 if failed else 0
    finally:
        if not args.keep:
            services.drop_database(args.server, name)


if __name__ == "__main__":
    sys.exit(main())
