"""Benchmark: abh import of a 50,000-record delivery against a raw COPY of the same rows (PostgreSQL).

Run: .venv/bin/python bench/bench_import.py [--records 50000] [--server postgresql://root@127.0.0.1:5432/postgres]
Creates and drops its own database. Targets (issue 5): first import <= 4x COPY, re-import with 2 %
of the records changed <= 1.5x COPY. COPY is measured in the same run, on the same server.
"""
from __future__ import annotations

import argparse
import io
import random
import re
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import services
from tests.test_sources_support import HEADER

FAMILY = ["Haddad", "Al-Hassan", "Ibrahim", "Kidane", "Bondarenko", "Petrova", "Öztürk", "Wiśniewski", "Stan",
          "Rahimi", "Popescu", "Nowak", "Demir", "Yilmaz", "Hosseini", "Abdi", "Tesfay", "Kovalenko"]
GIVEN = ["Samir", "Leila", "Omar", "Fatima", "Iryna", "Daniel", "Maria", "Hüseyin", "Zainab", "Ahmad",
         "Olena", "Mehmet", "Amina", "Yusuf", "Sara", "Ali", "Nour", "Dmytro"]
NATIONS = ["SYR", "AFG", "UKR", "IRQ", "TUR", "ERI", "ROU", "POL", "BGR", "RUS", "SOM", "IRN", "XKX", "XXA"]
STATUS = ["ANKUNFT", "GESTATTUNG", "DULDUNG", "AE", "NE", "EU", "FIKTION", "OHNE"]
STREETS = ["Iburger Straße", "Sutthauser Straße", "Bramscher Straße", "Hasestraße", "Meller Straße",
           "Rheiner Landstraße", "Am Schölerberg", "Pagenstecherstraße"]


def record(rng: random.Random, i: int) -> list[str]:
    day = rng.choice(["00", f"{rng.randint(1, 28):02d}"])
    month = "00" if day == "00" and rng.random() < 0.5 else f"{rng.randint(1, 12):02d}"
    nat = rng.choice(NATIONS) + ("," + rng.choice(NATIONS) if rng.random() < 0.1 else "")
    has_address = rng.random() < 0.8
    return [
        f"S-{i:06d}", f"{100000000000 + i * 7919 % 899999999999:012d}" if rng.random() < 0.9 else "",
        rng.choice(FAMILY), rng.choice(GIVEN) + (" " + rng.choice(GIVEN) if rng.random() < 0.3 else ""),
        f"{day}.{month}.{rng.randint(1950, 2025)}", rng.choice("mwdx"), nat, rng.choice(STATUS),
        "§ 25 Abs. 2 AufenthG" if rng.random() < 0.3 else "",
        f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2014, 2022)}",
        f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2023", "",
        rng.choice(STREETS) if has_address else "", str(rng.randint(1, 200)) if has_address else "",
        f"490{rng.randint(74, 90)}" if has_address else "", "Osnabrück" if has_address else "",
        f"{rng.randint(1, 23):02d}", f"F{i // 3:05d}" if rng.random() < 0.5 else "",
    ]


def to_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    out.write(";".join(HEADER) + "\r\n")
    for r in rows:
        out.write(";".join(r) + "\r\n")
    return out.getvalue().encode("utf-8")


def time_copy(url: str, data: bytes) -> float:
    """Raw COPY of the same file's rows into a plain table of text columns (server parses the CSV)."""
    with psycopg.connect(url) as conn:
        cols = ", ".join(f"{c} text" for c in HEADER)
        conn.execute(f"DROP TABLE IF EXISTS bench_plain; CREATE TABLE bench_plain ({cols})")
        conn.commit()
        start = time.perf_counter()
        copy_sql = "COPY bench_plain FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
        with conn.cursor() as cur, cur.copy(copy_sql) as copy:
            copy.write(data)
        conn.commit()
        elapsed = time.perf_counter() - start
        conn.execute("DROP TABLE bench_plain")
        conn.commit()
    return elapsed


FLOOR = (
    # The same rows written again by the server alone (no Python): the cost of the schema's indexes,
    # constraints and foreign keys, which a COPY into a plain table does not pay.
    ("INSERT INTO person (family_name, given_names, birth_date, birth_precision, sex, nationality, "
     "residence_status,"
    " legal_basis, entry_date, move_in_date, street, house_number, postcode, city, district_number, "
    "household_id, state, record_key) SELECT family_name, given_names, birth_date, birth_precision, sex, "
    "nationality, residence_status, legal_basis, entry_date, move_in_date, street, house_number, postcode, "
    "city, district_number, household_id, state, record_key FROM person"),
    "INSERT INTO person_nationality SELECT person_id, position + 10, code FROM person_nationality",
    "INSERT INTO person_office (person_id, office_code, via) SELECT person_id, 'soz', via FROM person_office",
    ("INSERT INTO transition (entity, entity_id, event, from_state, to_state, occurred_on, by_label)"
    " SELECT entity, entity_id, event, from_state, to_state, occurred_on, by_label FROM transition"),
    ("INSERT INTO source_record (source_code, key, person_id, values_hash, raw_hash, created_delivery_id)"
    " SELECT source_code, key || 'x', person_id, values_hash, raw_hash, created_delivery_id FROM "
    "source_record"),
)


def time_floor(url: str, detail: bool = False) -> float:
    with psycopg.connect(url) as conn:
        start = time.perf_counter()
        for sql in FLOOR:
            t = time.perf_counter()
            conn.execute(sql)
            if detail:
                print(f"          {time.perf_counter() - t:6.2f} s  {sql[:60]}")
        elapsed = time.perf_counter() - start
        conn.rollback()
    return elapsed


def time_schema_floors(url: str, copy_s: float) -> None:
    """What the schema alone costs, with no Python at all (--floors): the lower bounds behind the ratios."""
    def ratio(seconds: float) -> str:
        return f"{seconds:6.2f} s  ratio {seconds / copy_s:5.2f}"

    with psycopg.connect(url) as conn:
        # 1. The floor with every trigger and foreign-key check switched off (superuser only).
        conn.execute("SET session_replication_role = replica")
        start = time.perf_counter()
        for sql in FLOOR:
            conn.execute(sql)
        print("floor, no triggers and no FK checks (session_replication_role = replica) "
              f"{ratio(time.perf_counter() - start)}")
        conn.rollback()
        # 2. Building person's indexes once over the imported rows (the best case of drop, load, rebuild).
        defs = [r[0] for r in conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'person'")]
        conn.execute("CREATE TEMP TABLE person_copy AS SELECT * FROM person")
        start = time.perf_counter()
        for n, indexdef in enumerate(defs):
            conn.execute(
                re.sub(r"INDEX \S+ ON public\.person ", f"INDEX bench_ix_{n} ON person_copy ", indexdef)
            )
        print(f"building person's {len(defs)} indexes over "
              f"{conn.execute('SELECT count(*) FROM person_copy').fetchone()[0]} rows, nothing else "
              f"{ratio(time.perf_counter() - start)}")
        conn.rollback()
        # 3. Changing two fields of 1,000 random persons (what the 2 % re-import must write at least).
        ids = [r[0] for r in conn.execute("SELECT id FROM person ORDER BY random() LIMIT 1000")]
        start = time.perf_counter()
        conn.execute("UPDATE person SET residence_status = CASE WHEN residence_status = 'AE' THEN 'NE' ELSE "
                     "'AE' END, postcode = '49074', updated_at = now() WHERE id = ANY(%s)", (ids,))
        print(f"UPDATE of 1,000 persons, two fields, nothing else {ratio(time.perf_counter() - start)}")
        conn.rollback()


def run_cli(url: str, path: Path) -> dict:
    """`caseapp sync import abh FILE --json` in a process of its own under /usr/bin/time -v: wall time and
    the peak resident memory of that import alone (issue 18: at most 1 GB at any point of any import)."""
    import json
    import os
    import subprocess

    caseapp = Path(sys.executable).with_name("caseapp")
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": "",
           "CASEAPP_AUDIT_KEY": os.environ.get("CASEAPP_AUDIT_KEY", "bench-audit-key-bench-audit-key-1"),
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
           "CASEAPP_SYNC_MAX_BYTES": str(max(path.stat().st_size + 1, 100 * 1024 * 1024))}
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", str(caseapp), "sync", "import", "abh", str(path), "--json",
                           "--confirm-missing"], check=False, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    if done.returncode not in (0, 3):
        raise SystemExit(f"import failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return {"seconds": round(elapsed, 2), "peak_rss_mb": round(int(rss[1]) / 1024) if rss else None,
            "created": summary.get("created"), "updated": summary.get("updated"),
            "unchanged": summary.get("unchanged"), "rejected": summary.get("rejected")}


def import_each(url: str, folder: Path, deliveries, what: str) -> None:
    """Import each (label, bytes, file name) through the CLI in turn, beside a COPY of the same file."""
    for label, data, file_name in deliveries:
        path = folder / file_name
        path.write_bytes(data)
        copy_s = min(time_copy(url, data) for _ in range(2))
        result = run_cli(url, path)
        print(f"{label:9s} {what} ({len(data) / 1e6:.0f} MB): import {result['seconds']:7.2f} s, COPY "
              f"{copy_s:5.2f} s, ratio {result['seconds'] / copy_s:6.2f}, peak RSS "
              f"{result['peak_rss_mb']} MB "
              f"(created {result['created']}, updated {result['updated']}, unchanged {result['unchanged']}, "
              f"rejected {result['rejected']})", flush=True)
        path.unlink()


def separate_processes(args, first: bytes, second: bytes) -> None:
    """--separate: each import through the CLI in its own process (time and peak memory), for the
    1,000,000-record figures of issue 18 item 4; COPY of the same file in the same run."""
    import tempfile

    url, name = services.create_database(args.server)
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        import os
        import subprocess

        caseapp = Path(sys.executable).with_name("caseapp")
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "REDIS_URL": "",
               "CASEAPP_AUDIT_KEY": os.environ.get("CASEAPP_AUDIT_KEY", "bench-audit-key-bench-audit-key-1"),
               "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        subprocess.run([str(caseapp), "db", "upgrade"], env=env, check=True, capture_output=True)
        import_each(url, folder, (("first", first, "ABH_20260930.csv"),
                                  ("changed", second, "ABH_20261031.csv"),
                                  ("identical", second, "ABH_20261101.csv")), f"{args.records} records")
    finally:
        services.drop_database(args.server, name)


def demo_city_files(records: int, changed: float) -> tuple[bytes, bytes]:
    """The demo city's foreigners-authority snapshot of `records` persons (its names, dates and addresses
    as spread as a city's: record linkage blocks on them) and the same with `changed` of them given
    another residence status."""
    import csv
    from datetime import date

    from caseapp.demo.generator import build_city
    from caseapp.demo.rows import abh_key, abh_values
    from caseapp.sources.abh import COLUMNS

    city = build_city(records, 1, date.today())
    rng = random.Random(7)
    picked = set(rng.sample(range(len(city.persons)), int(len(city.persons) * changed)))
    files = []
    for variant in (False, True):
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for n, p in enumerate(city.persons):
            values = abh_values(p, abh_key(p))
            if variant and n in picked:
                values["aufenthaltsstatus"] = "AE" if values["aufenthaltsstatus"] != "AE" else "NE"
            writer.writerow([values[c] for c in COLUMNS])
        files.append(("\ufeff" + out.getvalue()).encode("utf-8"))
    return files[0], files[1]


NEW_KEYS = 1000


def reimport_into_copy(args) -> None:
    """--reimport-of DB: the demo city DB was filled by `caseapp demo --persons N --seed 1` today; a copy of
    it (CREATE DATABASE ... TEMPLATE) gets the city's own abh snapshot again (all unchanged) and then the
    same with `changed` of the records given another residence status, then that with NEW_KEYS persons
    of the city the authority did not hold yet (new keys, linked against everyone): the nightly
    re-delivery at the size of that city, each import in its own process (time and peak memory)."""
    import csv
    import tempfile
    from datetime import date

    from caseapp.demo.generator import build_city
    from caseapp.demo.rows import abh_key, abh_values, city_rows
    from caseapp.sources.abh import COLUMNS

    city = build_city(args.records, 1, date.today())
    rows = city_rows(city, random.Random("1:offices"))
    ids = {r[3] for r in rows["source_record"] if r[1] == "abh"}
    del rows
    rng = random.Random(7)
    persons = [p for p in city.persons if p.id in ids]
    # The nightly case: a few persons of the city the authority did not hold yet (new keys, linked).
    newcomers = [p for p in city.persons if p.id not in ids][:NEW_KEYS]
    picked = set(rng.sample(range(len(persons)), int(len(persons) * args.changed)))
    files = []
    for variant in ("same", "changed", "new keys"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for n, p in enumerate(persons + (newcomers if variant == "new keys" else [])):
            values = abh_values(p, abh_key(p))
            if variant != "same" and n in picked:
                values["aufenthaltsstatus"] = "AE" if values["aufenthaltsstatus"] != "AE" else "NE"
            writer.writerow([values[c] for c in COLUMNS])
        files.append(("\ufeff" + out.getvalue()).encode("utf-8"))
    del city, persons
    base = args.server.rsplit("/", 1)[0]
    name = f"bench_reimport_{random.randrange(1 << 30):x}"
    with psycopg.connect(args.server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{args.reimport_of}"')
    url = f"{base}/{name}"
    folder = Path(tempfile.mkdtemp(prefix="bench-reimport-"))
    try:
        import_each(url, folder, (("identical", files[0], "ABH_20261203.csv"),
                                  ("changed", files[1], "ABH_20261204.csv"),
                                  (f"+{NEW_KEYS} new", files[2], "ABH_20261205.csv")),
                    f"{len(ids)} records into a copy of {args.reimport_of}")
    finally:
        with psycopg.connect(args.server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--server", default=services.DEFAULT_PG)
    parser.add_argument("--changed", type=float, default=0.02)
    parser.add_argument("--detail", action="store_true", help="time each floor statement")
    parser.add_argument("--floors", action="store_true", help="also time the schema's lower bounds "
                                                              "(superuser)")
    parser.add_argument("--separate", action="store_true",
                        help="each import through the CLI in its own process: time and peak memory")
    parser.add_argument("--demo-city", action="store_true",
                        help="with --separate: the demo city's snapshot instead of the generated records")
    parser.add_argument("--reimport-of", help="a database filled today by `caseapp demo --persons RECORDS "
                                              "--seed 1`: re-import its abh snapshot into a copy")
    args = parser.parse_args()
    if args.reimport_of:
        reimport_into_copy(args)
        return
    if args.demo_city:
        first, second = demo_city_files(args.records, args.changed)
        separate_processes(args, first, second)
        return

    rng = random.Random(5)
    rows = [record(rng, i) for i in range(args.records)]
    first = to_bytes(rows)
    changed = rng.sample(range(args.records), int(args.records * args.changed))
    for i in changed:
        rows[i][7] = "AE" if rows[i][7] != "AE" else "NE"
        rows[i][13] = str(int(rows[i][13] or 0) + 1)
    second = to_bytes(rows)
    del rows
    if args.separate:
        separate_processes(args, first, second)
        return

    url, name = services.create_database(args.server)
    try:
        from flask_migrate import upgrade

        from caseapp import create_app
        from caseapp.extensions import db
        from caseapp.sources.operations import import_file

        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "REDIS_URL": None,
                          "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://")})
        with app.app_context():
            upgrade()
            results = {}
            floor = None
            for label, data, file_name in (("first", first, "ABH_20260930.csv"),
                                           ("changed", second, "ABH_20261031.csv"),
                                           ("identical", second, "ABH_20261101.csv")):
                copy_s = min(time_copy(url, data) for _ in range(3))
                start = time.perf_counter()
                summary = import_file("abh", data, file_name=file_name, channel="cli")
                db.session.commit()
                elapsed = time.perf_counter() - start
                results[label] = (elapsed, copy_s, summary)
                s = summary
                print(f"{label:9s} import {elapsed:6.2f} s  COPY {copy_s:5.2f} s  ratio "
                      f"{elapsed / copy_s:5.2f}  (created {s.created}, updated {s.updated}, unchanged "
                      f"{s.unchanged}, rejected {s.rejected})")
                if label == "first":
                    floor = time_floor(url, detail=args.detail)
                    print("floor     server-only INSERT ... SELECT of the same rows into the real tables "
                          f"{floor:6.2f} s  ratio {floor / copy_s:5.2f}; first import / floor "
                          f"{elapsed / floor:5.2f} (target <= 1.5)")
                    if args.floors:
                        time_schema_floors(url, copy_s)
            db.session.remove()
            db.engine.dispose()
        ok = results["first"][0] <= 1.5 * floor and results["changed"][0] <= 2 * results["changed"][1]
        print("targets (issue 18: first <= 1.5x floor, re-import <= 2x COPY) "
              + ("met" if ok else "NOT met"))
    finally:
        services.drop_database(args.server, name)


if __name__ == "__main__":
    main()
