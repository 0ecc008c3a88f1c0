"""A PostgreSQL database with the demo city for the benchmarks: created, migrated, filled, dropped after."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager

import psycopg

SERVER = os.environ.get("BENCH_PG", "postgresql://root@127.0.0.1:5432/postgres")


def _exists(name: str) -> bool:
    with psycopg.connect(SERVER, autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone())


@contextmanager
def demo_database(persons: int, keep: str | None = None, seed: int = 1):
    """Yields (url, seconds the demo fill took or None). With `keep`, reuse that database when it exists
    (assumed filled) or create it, and never drop it; otherwise a throw-away one is dropped afterwards."""
    name = keep or f"caseapp_bench_{uuid.uuid4().hex[:8]}"
    url = SERVER.rsplit("/", 1)[0] + "/" + name
    env = {**os.environ, "DATABASE_URL": url, "CASEAPP_DEMO": "1", "SECRET_KEY": "bench-secret-key"}
    caseapp = os.path.join(os.path.dirname(sys.executable), "caseapp")
    fill = None
    if not keep or not _exists(name):
        with psycopg.connect(SERVER, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        subprocess.run([caseapp, "db", "upgrade"], env=env, check=True, capture_output=True)
        t = time.perf_counter()
        subprocess.run([caseapp, "demo", "--persons", str(persons), "--seed", str(seed), "--no-accounts"],
                       env=env, check=True, capture_output=True)
        fill = time.perf_counter() - t
    try:
        yield url, fill
    finally:
        if not keep:
            with psycopg.connect(SERVER, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
