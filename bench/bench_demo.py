"""Times `caseapp demo` on a fresh PostgreSQL database: create, upgrade (untimed part), then the demo itself.

Usage:  .venv/bin/python bench/bench_demo.py [--persons 45000 200000] [--seed 1]
        [--server postgresql://root@127.0.0.1:5432/postgres] [--keep]

Each size gets its own throw-away database (dropped afterwards unless --keep). The figure that counts
is the wall time of the `caseapp demo` process (Python start and app factory included); the command's
own split into generating and writing is printed beside it.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
CASEAPP = str(ROOT / ".venv" / "bin" / "caseapp")


def run(args: list[str], env: dict) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the caseapp process (user + system) and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([CASEAPP, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"caseapp {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu, proc.stdout


def bench(server: str, persons: int, seed: int, keep: bool) -> dict:
    name = f"caseapp_bench_demo_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = server.rsplit("/", 1)[0] + "/" + name
    env = {**os.environ, "CASEAPP_DEMO": "1", "DATABASE_URL": url}
    env.pop("REDIS_URL", None)
    try:
        upgrade_s, _, _ = run(["db", "upgrade"], env)
        _, startup_cpu, _ = run(["demo", "--help"], env)  # Python and the app factory alone
        demo_s, demo_cpu, out = run(["demo", "--persons", str(persons), "--seed", str(seed)], env)
        split = re.search(r"Dauer: ([\d.]+) s Erzeugen, ([\d.]+) s Schreiben", out)
        with psycopg.connect(url) as conn:
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("person", "stay", "transition", "source_record")}
    finally:
        if not keep:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return {"persons": persons, "upgrade_s": upgrade_s, "demo_s": demo_s, "demo_cpu": demo_cpu,
            "startup_cpu": startup_cpu,
            "build_s": float(split[1]) if split else None, "write_s": float(split[2]) if split else None,
            "counts": counts, "database": name if keep else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[45_000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server", default=os.environ.get("BENCH_PG", "postgresql://root@127.0.0.1:5432/postgres"))
    parser.add_argument("--keep", action="store_true", help="keep the databases (e.g. for other benchmarks)")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for persons in args.persons:
        r = bench(args.server, persons, args.seed, args.keep)
        print(f"{persons:>8} persons: caseapp demo {r['demo_s']:.1f} s wall, {r['demo_cpu']:.1f} s CPU in "
              f"the process (of which {r['startup_cpu']:.1f} s app start); inside the command: generate "
              f"{r['build_s']} s, write {r['write_s']} s (wall); db upgrade {r['upgrade_s']:.1f} s; "
              f"rows {r['counts']}" + (f"; kept {r['database']}" if r["database"] else ""))
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
