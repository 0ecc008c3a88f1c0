"""Sources, their deliveries and sync runs, the source record per (source, key), provenance, quarantine.

Provenance is stored sparsely for speed: the fields a source set when it *created* a person are
attributed to that source record's first delivery (`SourceRecord.created_delivery_id`); every later
change of a person field by a source writes one `FieldProvenance` row per field, which then wins.
`caseapp.sources.queries.provenance(person_id)` merges both into one answer per field.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.codelists import RejectedStatus, SyncRunStatus, labels
from caseapp.extensions import db

RUN_STATUSES = tuple(SyncRunStatus)
REJECTED_STATUSES = tuple(RejectedStatus)
RUN_STATUS_LABELS_DE = labels(SyncRunStatus)
REJECTED_STATUS_LABELS_DE = labels(RejectedStatus)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Source(db.Model):
    """A system that delivers data (Datenquelle); belongs to the office of the same code."""

    __tablename__ = "source"

    code: Mapped[str] = mapped_column(ForeignKey("office.code"), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # Key of the adapter in caseapp.sources.registry; None while the office delivers nothing.
    adapter: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.name


class Delivery(db.Model):
    """One file from a source (Lieferung); the checksum makes a file recognisable when it comes again."""

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_source_checksum", "source_code", "checksum"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_code: Mapped[str] = mapped_column(ForeignKey("source.code"))
    file_name: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 of the file's bytes
    size: Mapped[int] = mapped_column(Integer, default=0)
    as_of: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    archived_path: Mapped[str | None] = mapped_column(String(500))

    source: Mapped[Source] = relationship()
    runs: Mapped[list[SyncRun]] = relationship(back_populates="delivery", order_by="SyncRun.id")

    def __str__(self) -> str:
        return self.file_name


class SyncRun(db.Model):
    """One processing of one delivery (Abgleich), with its counts and its progress while it runs."""

    __tablename__ = "sync_run"
    __table_args__ = (
        CheckConstraint(_in("status", RUN_STATUSES), name="status"),
        Index("ix_sync_run_source_started", "source_code", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id"), index=True)
    source_code: Mapped[str] = mapped_column(ForeignKey("source.code"))
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=SyncRunStatus.running.value)
    channel: Mapped[str | None] = mapped_column(String(10))  # "cli", "task", "admin"
    started_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    records: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    # Records attached to a person known from another source, and pairs queued for review (linkage.md).
    linked: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    queued: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Records looked at so far (written from a side connection while the run's transaction is open).
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # Whole-file rejection or failure, in German.
    message: Mapped[str | None] = mapped_column(String(500))

    delivery: Mapped[Delivery | None] = relationship(back_populates="runs")
    source: Mapped[Source] = relationship()

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at and self.started_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    def __str__(self) -> str:
        return f"Abgleich {self.id} ({self.source_code}, {self.as_of:%d.%m.%Y})"


class SourceRecord(db.Model):
    """The pooled person a source's key stands for, with the hash of the values last delivered."""

    __tablename__ = "source_record"
    __table_args__ = (
        UniqueConstraint("source_code", "key"),
        Index("ix_source_record_missing", "source_code", "missing_since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_code: Mapped[str] = mapped_column(ForeignKey("source.code"))
    key: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    # Hash of the normalised values (decides changed/unchanged) and of the raw line with its header
    # (a fast path: an identical line needs no parsing at all).
    values_hash: Mapped[str] = mapped_column(String(32))
    raw_hash: Mapped[str | None] = mapped_column(String(32))
    created_delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id"))
    updated_delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id"))
    # The as-of date of the first snapshot that no longer contained the key.
    missing_since: Mapped[date | None] = mapped_column(Date)
    # The person fields the source last delivered (sources/identity.py derives the shown ones from them).
    identity: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    person = relationship("Person")
    source: Mapped[Source] = relationship()
    created_delivery: Mapped[Delivery | None] = relationship(foreign_keys=[created_delivery_id])
    updated_delivery: Mapped[Delivery | None] = relationship(foreign_keys=[updated_delivery_id])


class SourceHousehold(db.Model):
    """A source's family key (abh: familien_id) mapped to the pooled household."""

    __tablename__ = "source_household"

    source_code: Mapped[str] = mapped_column(ForeignKey("source.code"), primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)


class FieldProvenance(db.Model):
    """Who gave one field of a person its shown value: a source and delivery, or a caseworker.

    A row with `value` set is a caseworker's manual correction ({"v": value}): it wins over every
    source until a source delivers a new value for the field (sources/identity.py). A row with
    `corrected_by_*` but no value names the caseworker who re-processed a quarantined record."""

    __tablename__ = "field_provenance"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    source_code: Mapped[str | None] = mapped_column(ForeignKey("source.code"))
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id"))
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    corrected_by_label: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[dict | None] = mapped_column(JSON)
    set_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class RejectedRecord(db.Model):
    """A record a run refused, kept with its raw line and reasons for review and re-processing."""

    __tablename__ = "rejected_record"
    __table_args__ = (
        CheckConstraint(_in("status", REJECTED_STATUSES), name="status"),
        Index("ix_rejected_record_run_line", "run_id", "line"),
        Index("ix_rejected_record_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_run.id", ondelete="CASCADE"))
    source_code: Mapped[str] = mapped_column(ForeignKey("source.code"))
    line: Mapped[int] = mapped_column(Integer)
    key: Mapped[str | None] = mapped_column(String(100))
    raw: Mapped[str] = mapped_column(Text)
    # The delivered values by column name, as read (corrected values replace them on re-processing).
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"line": 17, "column": "geburtsdatum", "message": "..."}]
    errors: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default=RejectedStatus.open.value)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))

    run: Mapped[SyncRun] = relationship()
    resolved_by = relationship("User")
