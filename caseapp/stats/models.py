"""The population cube: today's counts per key, kept current on PostgreSQL by triggers (migration 0005).

`stats_cube` holds one row per (district, age group index on the reference day, primary nationality,
residence status, sex, lifecycle state) for persons in a population state; `n` is the number of such
persons. District NULL is stored as '' so the key can be a primary key. Age index -1 means "not yet
born on the reference day". `stats_cube_meta` (one row, id 1) names the reference day, the age groups
and the birth-date cut-offs the cube was built with; a NULL ref_day means "not built": the triggers
then do nothing and the statistics count from the person table. The tables exist on SQLite too, but
only PostgreSQL gets the triggers and uses them (see caseapp/stats/cube.py).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db


class StatsCube(db.Model):
    __tablename__ = "stats_cube"

    # 0: the full key; 1: district, age index and nationality only (the others ''), see migration 0005.
    rollup: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    district: Mapped[str] = mapped_column(String(2), primary_key=True)
    age_index: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    nationality: Mapped[str] = mapped_column(String(3), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    state: Mapped[str] = mapped_column(String(12), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
    k: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # sum of record keys (0024)


class StatsCubeDelta(db.Model):
    """Changes to stats_cube not yet folded into its cells (migration 0025): the person triggers append one
    row per cell and statement (no writer waits for another's cell), the reads add them, the beat task
    `caseapp.stats.fold` moves them into the cells and the re-base deletes them."""

    __tablename__ = "stats_cube_delta"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    rollup: Mapped[int] = mapped_column(SmallInteger)
    district: Mapped[str] = mapped_column(String(2))
    age_index: Mapped[int] = mapped_column(SmallInteger)
    nationality: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(12))
    sex: Mapped[str] = mapped_column(String(1))
    state: Mapped[str] = mapped_column(String(12))
    n: Mapped[int] = mapped_column(Integer)
    k: Mapped[int] = mapped_column(Integer)


class StatsCubeMeta(db.Model):
    __tablename__ = "stats_cube_meta"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ref_day: Mapped[date | None] = mapped_column(Date)
    groups: Mapped[str | None] = mapped_column(String(200))
    # Comma-separated ISO dates: the latest birth date for age 0, then for each group's lower age.
    cutoffs: Mapped[str | None] = mapped_column(String(400))
    rebased_at: Mapped[datetime | None] = mapped_column(DateTime)
