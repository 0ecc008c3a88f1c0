"""Transition: the kept history of every lifecycle step (who, when, why)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.extensions import db


class Transition(db.Model):
    __tablename__ = "transition"
    __table_args__ = (
        CheckConstraint("entity IN ('person', 'shelter')", name="entity"),
        CheckConstraint("by_user_id IS NOT NULL OR by_label IS NOT NULL", name="actor"),
        Index("ix_transition_entity", "entity", "entity_id", "occurred_on", "id"),
        Index("ix_transition_occurred_on", "occurred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(10))
    entity_id: Mapped[int]
    event: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    # The day the event happened in the world (may lie in the past) ...
    occurred_on: Mapped[date] = mapped_column(Date)
    # ... and the moment it was recorded.
    recorded_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Non-human actors, e.g. "source:abh", "demo", "system".
    by_label: Mapped[str | None] = mapped_column(String(50))
    reason: Mapped[str | None] = mapped_column(String(500))

    by_user = relationship("User")
