"""ReportJob: one requested committee report, its progress while it renders and its archive entry after."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.codelists import ReportStatus, labels
from caseapp.extensions import db

STATUSES = tuple(ReportStatus)
STATUS_LABELS_DE = labels(ReportStatus)


class ReportJob(db.Model):
    """A finished job (status 'done') is the archive entry: file, checksum, period, data date, requester."""

    __tablename__ = "report_job"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
        CheckConstraint("requested_by_id IS NOT NULL OR requested_by_label IS NOT NULL", name="requester"),
        CheckConstraint("status <> 'done' OR (checksum IS NOT NULL AND file_path IS NOT NULL)",
                        name="archived"),
        Index("ix_report_job_committee_period", "committee", "period"),
        Index("ix_report_job_requested_at", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee: Mapped[str] = mapped_column(String(30))
    period: Mapped[str] = mapped_column(String(7))  # "2026-Q3" or "2026-09"
    status: Mapped[str] = mapped_column(String(10), default=ReportStatus.queued.value)
    progress: Mapped[int] = mapped_column(default=0)
    step: Mapped[str | None] = mapped_column(String(200))  # German, what the worker is doing now
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # "beat" (monthly run), "cli", or the requesting user's e-mail: the archive names the requester even
    # after the user account is deleted (the foreign key is then set to NULL).
    requested_by_label: Mapped[str | None] = mapped_column(String(255))
    requested_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    data_date: Mapped[date | None] = mapped_column(Date)  # the day the figures describe
    pages: Mapped[int | None]
    size_bytes: Mapped[int | None]
    checksum: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the PDF, hex
    file_path: Mapped[str | None] = mapped_column(String(500))
    error: Mapped[str | None] = mapped_column(String(500))

    requested_by = relationship("User")

    @property
    def requester(self) -> str:
        label = self.requested_by_label or ""
        return {"beat": "monatlicher Lauf", "cli": "Kommandozeile"}.get(label, label or "–")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS_DE.get(self.status, self.status)

    def __str__(self) -> str:
        return f"Bericht {self.committee} {self.period} (#{self.id})"
