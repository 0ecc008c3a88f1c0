"""Benchmark: 40 concurrent allocations into a shelter with 12 free beds, through gunicorn with 4 workers.

Creates a throw-away PostgreSQL database, migrates it, fills it (one open shelter with 12 beds in
3 rooms, 40 arrived persons, one shelter manager), starts `gunicorn -w 4 wsgi:app` against it, logs
in once for a token, then releases 40 threads at one barrier, each sending
POST /api/v1/persons/<id>/events {"event": "allocate", "shelter_id": ...}. Expects exactly 12 x 200
and 28 x 409, every answer within 2 s, and checks the database afterwards. Drops the database.

    .venv/bin/python bench/bench_allocation.py [--rounds 3] [--server postgresql://root@127.0.0.1:5432/postgres]
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PERSONS, BEDS, LIMIT_S = 40, 12, 2.0
EMAIL, PASSWORD = "bench.manager@stadt-osnabrueck.de", "Kaffeetasse-Bruecke-42"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(env: dict) -> tuple[int, list[int]]:
    os.environ.update(env)
    from flask_migrate import upgrade
    from flask_security import hash_password

    from caseapp import create_app
    from caseapp.auth.setup import user_datastore
    from caseapp.extensions import db
    from caseapp.people.models import Person
    from caseapp.shelters.models import Room, Shelter

    app = create_app()
    with app.app_context():
        upgrade()
        user = user_datastore.create_user(email=EMAIL, password=hash_password(PASSWORD), active=True)
        user_datastore.add_role_to_user(user, "shelter_manager")
        shelter = Shelter(name="GU Benchmark", district_number="07", state="open",
                          rooms=[Room(name=f"{i}", beds=BEDS // 3) for i in range(3)])
        db.session.add(shelter)
        persons = [Person(family_name=f"Bench{i}", given_names="Test",
                          birth_date=__import__("datetime").date(1990, 1, 1), sex="m" if i % 2 else "w",
                          nationality="SYR", residence_status="ANKUNFT", state="arrived")
                   for i in range(PERSONS)]
        db.session.add_all(persons)
        db.session.commit()
        ids = [p.id for p in persons]
        shelter_id = shelter.id
        db.engine.dispose()
    return shelter_id, ids


def check_database(url: str, shelter_id: int) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM stay s JOIN room r ON r.id = s.room_id "
                            "WHERE r.shelter_id = %s AND s.end_date IS NULL", (shelter_id,)).fetchone()[0]


def baseline(base: str, token: str, shelter_id: int, n: int) -> float:
    """Slowest of n concurrent GET /api/v1/shelters/<id>: what this machine's load alone costs."""
    barrier = threading.Barrier(n)
    worst = [0.0]

    def one():
        barrier.wait()
        t0 = time.perf_counter()
        requests.get(
            f"{base}/api/v1/shelters/{shelter_id}", headers={"Authentication-Token": token}, timeout=30
        )
        worst[0] = max(worst[0], time.perf_counter() - t0)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return worst[0]


def run_round(base: str, token: str, shelter_id: int, ids: list[int]) -> dict:
    barrier = threading.Barrier(len(ids) + 1)
    results: list[tuple[int, float]] = []
    lock = threading.Lock()

    def one(pid: int):
        s = requests.Session()
        barrier.wait()
        t0 = time.perf_counter()
        r = s.post(f"{base}/api/v1/persons/{pid}/events",
                   json={"event": "allocate", "shelter_id": shelter_id},
                   headers={"Authentication-Token": token}, timeout=30)
        with lock:
            results.append((r.status_code, time.perf_counter() - t0))

    threads = [threading.Thread(target=one, args=(pid,)) for pid in ids]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    codes = [c for c, _ in results]
    latencies = sorted(d for _, d in results)
    return {"200": codes.count(200), "409": codes.count(409),
            "other": [c for c in codes if c not in (200, 409)], "wall_s": wall, "max_s": latencies[-1],
            "p50_s": latencies[len(latencies) // 2], "answers_per_s": len(codes) / wall}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="postgresql://root@127.0.0.1:5432/postgres")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    failures = 0
    for n in range(args.rounds):
        name = f"caseapp_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(args.server, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = args.server.rsplit("/", 1)[0] + "/" + name
        port = free_port()
        env = {"DATABASE_URL": url, "SECRET_KEY": "bench-secret-key-" + uuid.uuid4().hex,
               "CASEAPP_AUDIT_KEY": "bench", "CASEAPP_2FA_REQUIRED": "0", "CASEAPP_SECURE_COOKIES": "0",
               "CASEAPP_SESSION_DIR": f"/tmp/{name}-sessions"}
        env.pop("REDIS_URL", None)
        proc = None
        try:
            shelter_id, ids = prepare(env)
            proc = subprocess.Popen(
                [str(ROOT / ".venv/bin/gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}", "--log-level",
                 "warning", "wsgi:app"], cwd=ROOT, env={**os.environ, **env})
            base = f"http://127.0.0.1:{port}"
            deadline = time.time() + 90
            while time.time() < deadline:  # until the workers answer (they boot slowly on 2 busy cores)
                try:
                    requests.get(f"{base}/login", timeout=10)
                    break
                except requests.RequestException:
                    time.sleep(0.2)
            time.sleep(3)  # let all 4 workers finish booting, not only the first
            login = requests.post(
                f"{base}/login?include_auth_token", json={"email": EMAIL, "password": PASSWORD}
            )
            token = login.json()["response"]["user"]["authentication_token"]
            reads = baseline(base, token, shelter_id, PERSONS)
            load = os.getloadavg()[0]
            result = run_round(base, token, shelter_id, ids)
            placed = check_database(url, shelter_id)
            ok = (result["200"] == BEDS and result["409"] == PERSONS - BEDS and not result["other"]
                  and result["max_s"] < LIMIT_S and placed == BEDS)
            failures += not ok
            print(f"round {n + 1}: {result['200']} x 200, {result['409']} x 409, other {result['other']}; "
                  f"stays in DB {placed}; wall {result['wall_s']:.3f} s, p50 {result['p50_s']:.3f} s, "
                  f"max {result['max_s']:.3f} s; {result['answers_per_s']:.1f} answers/s, "
                  f"{BEDS / result['wall_s']:.1f} placements/s -> {'OK' if ok else 'FAILED'} "
                  f"(load average {load:.1f}; 40 concurrent reads took up to {reads:.3f} s)")
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
            with psycopg.connect(args.server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            subprocess.run(["rm", "-rf", f"/tmp/{name}-sessions"], check=False)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
