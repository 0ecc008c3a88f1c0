"""`caseapp sync import` as a console script in a subprocess, on PostgreSQL and SQLite: JSON and exit
codes."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import psycopg
import pytest

from tests import services
from tests.test_sources_support import HEADER, csv_bytes, row

ROOT = Path(__file__).resolve().parent.parent
CASEAPP = str(ROOT / ".venv" / "bin" / "caseapp")
KEYS = ["source", "as_of", "records", "created", "updated", "unchanged", "rejected", "missing", "linked",
        "queued", "new_persons", "errors"]


def _env(url: str, tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEAPP_", "REDIS_"))}
    env.update(DATABASE_URL=url, SECRET_KEY="cli-test-secret", CASEAPP_AUDIT_KEY="cli-test-audit-key",
               CASEAPP_INBOX=str(tmp / "inbox"),
               CASEAPP_ARCHIVE=str(tmp / "archive"))
    return env


def _run(env, *args):
    return subprocess.run([CASEAPP, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180,
                          check=False)


@pytest.fixture(scope="module", params=["postgresql", "sqlite"])
def cli_env(request, pg_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"cli-{request.param}")
    if request.param == "postgresql":
        url, name = services.create_database(pg_server)
    else:
        url, name = f"sqlite:///{tmp / 'cli.db'}", None
    env = _env(url, tmp)
    done = _run(env, "db", "upgrade")
    assert done.returncode == 0, done.stderr
    yield env, tmp, url
    if name:
        services.drop_database(pg_server, name)


def _persons(url: str) -> int:
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute("SELECT count(*) FROM person").fetchone()[0]
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM person").fetchone()[0]


def test_import_prints_exactly_the_summary_and_exits_0(cli_env):
    env, tmp, _url = cli_env
    path = tmp / "ABH_20260930.csv"
    path.write_bytes(csv_bytes([row("C-1"), row("C-2", geburtsdatum="00.13.1990"), row("C-3",
                                                                                       geschlecht="q")],
                               encoding="cp1252", eol="\r\n"))
    done = _run(env, "sync", "import", "abh", str(path), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)  # one object, nothing else on stdout
    assert list(summary) == KEYS
    assert {k: summary[k] for k in KEYS[:-1]} == {
        "source": "abh", "as_of": "2026-09-30", "records": 3, "created": 1, "updated": 0, "unchanged": 0,
        "rejected": 2, "missing": 0, "linked": 0, "queued": 0, "new_persons": 1}
    assert [(e["line"], e["column"]) for e in summary["errors"]] == [(3, "geburtsdatum"), (4, "geschlecht")]
    again = json.loads(
        _run(env, "sync", "import", "abh", str(path), "--json", "--as-of", "2026-10-01").stdout
    )
    assert (again["as_of"], again["unchanged"], again["created"], again["rejected"]) == (
        "2026-10-01",
        1,
        0,
        2,
    )


def test_whole_file_rejection_exits_2_and_changes_nothing(cli_env):
    env, tmp, url = cli_env
    before = _persons(url)
    path = tmp / "ABH_20261001.csv"
    path.write_bytes(csv_bytes([row("Z-1")], header=[c for c in HEADER if c != "vornamen"]))
    done = _run(env, "sync", "import", "abh", str(path), "--json")
    assert done.returncode == 2
    summary = json.loads(done.stdout)
    assert summary["records"] == 0 and "vornamen" in summary["errors"][0]["message"]
    assert _persons(url) == before
