"""AuditEvent: who did what to which object, never the personal data itself."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        Index("ix_audit_event_user", "user_id"),
        Index("ix_audit_event_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    # No foreign key: the trail must outlive users and objects it mentions.
    user_id: Mapped[int | None]
    user_email: Mapped[str | None] = mapped_column(String(255))
    actor: Mapped[str | None] = mapped_column(String(50))  # non-human actor, e.g. "source:abh"
    office: Mapped[str | None] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(40))  # e.g. "read", "create", "update", "transition:arrive"
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(20))  # "admin", "api", "cli", "task"
    # Content-free, e.g. "fields=address,state"; a read row lists the person ids a page showed, so on
    # PostgreSQL it is text (a 300-bed board shows ~250 ids); SQLite does not enforce lengths.
    detail: Mapped[str | None] = mapped_column(String(200).with_variant(Text(), "postgresql"))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
