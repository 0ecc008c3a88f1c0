"""The one writer of the demo city: builds it, bulk-writes it into an empty database, adds demo accounts.

Like every operation it flushes and never commits; `caseapp demo` (or a test) commits.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from time import perf_counter

from caseapp.demo.accounts import DEMO_PASSWORD, create_demo_accounts
from caseapp.demo.generator import build_city
from caseapp.demo.rows import DEMO_ACTOR, city_rows
from caseapp.demo.writer import NotEmpty, ensure_empty, write_rows
from caseapp.extensions import db

__all__ = ["DEMO_PASSWORD", "DemoSummary", "NotEmpty", "create_demo_city"]


@dataclass
class DemoSummary:
    persons: int
    seed: int
    today: date
    counts: dict[str, int]
    states: dict[str, int]
    seconds_build: float
    seconds_write: float
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    abh_file: Path | None = None
    deliveries: dict = field(default_factory=dict)  # office code -> import Summary (offices.py)
    seconds_deliveries: float = 0.0


def create_demo_city(*, persons: int, seed: int, today: date, accounts: bool = True,
                     abh_file: Path | None = None, office_deliveries: bool = False) -> DemoSummary:
    """Fill an empty database with a deterministic synthetic city; raises NotEmpty otherwise.
    With `abh_file`, also write the city's foreigners-authority snapshot there (caseapp/demo/delivery.py).
    With `office_deliveries`, the social, youth-welfare and school offices deliver their view of the same
    people and record linkage pools them (caseapp/demo/offices.py)."""
    connection = db.session.connection()
    ensure_empty(connection)
    started = perf_counter()
    city = build_city(persons, seed, today)
    rows = city_rows(city, random.Random(f"{seed}:offices"))
    built = perf_counter()
    write_rows(connection, rows)
    made = create_demo_accounts() if accounts else []
    _audit(persons, seed, today)
    db.session.flush()
    states: dict[str, int] = {}
    for p in city.persons:
        states[p.state] = states.get(p.state, 0) + 1
    written = perf_counter()
    if abh_file is not None:
        from caseapp.demo.delivery import write_abh_snapshot

        write_abh_snapshot(city, rows, Path(abh_file))
    deliveries = {}
    if office_deliveries:
        from caseapp.demo.offices import import_office_deliveries

        deliveries = import_office_deliveries(city, rows, seed)
    return DemoSummary(persons, seed, today, {t: len(r) for t, r in rows.items()}, states,
                       built - started, written - built, made, abh_file, deliveries,
                       perf_counter() - written)


def _audit(persons: int, seed: int, today: date) -> None:
    from caseapp.audit.operations import record

    record("create", "demo_city", None, actor=DEMO_ACTOR, channel="cli",
           detail=f"persons={persons} seed={seed} today={today.isoformat()}")
