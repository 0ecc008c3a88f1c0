"""Finds (or starts) the PostgreSQL and Redis servers the test run talks to; no mocks of either."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid

import psycopg

DEFAULT_PG = "postgresql://root@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def pg_answers(url: str) -> bool:
    try:
        with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def create_database(server_url: str) -> tuple[str, str]:
    """A throw-away database on the server; returns (its URL, its name)."""
    name = f"caseapp_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = server_url.rsplit("/", 1)[0]
    return f"{base}/{name}", name


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


class RedisServer:
    """A private redis-server for this test run, used when none answers at TEST_REDIS_URL."""

    def __init__(self):
        binary = shutil.which("redis-server")
        if not binary:
            raise RuntimeError("No Redis answers and redis-server is not installed (apt-get install "
                               "redis-server)")
        self.port = _free_port()
        self.dir = tempfile.mkdtemp(prefix="caseapp-redis-")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.url = f"redis://127.0.0.1:{self.port}/0"
        for _ in range(100):
            if redis_answers(self.url):
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


def pg_server_url(request) -> str:
    """TEST_DATABASE_URL, else the local server, else a throw-away one from pytest-postgresql."""
    url = os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG
    if pg_answers(url):
        return url.replace("+psycopg", "")
    if os.geteuid() == 0:
        raise RuntimeError(
            f"No PostgreSQL answers at {url}, and initdb refuses to run as root, so the test run cannot "
            "start its own. Start the cluster (.ci/run does: pg_ctlcluster ... start) or set "
            "TEST_DATABASE_URL."
        )
    proc = request.getfixturevalue("postgresql_proc")
    return f"postgresql://{proc.user}@{proc.host}:{proc.port}/postgres"
