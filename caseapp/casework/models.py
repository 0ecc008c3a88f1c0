"""FollowUp (Wiedervorlage: a dated task on a person for one office) and CaseNote (a note per office)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.extensions import db


class FollowUp(db.Model):
    """Set by a caseworker on a person, seen by every member of that office; done once someone closes it."""

    __tablename__ = "follow_up"
    __table_args__ = (
        CheckConstraint("length(text) > 0", name="text"),
        Index("ix_follow_up_open_due", "office_code", "due_on", postgresql_where="done_at IS NULL",
              sqlite_where="done_at IS NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("office.code"))
    due_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    created_by = relationship("User", foreign_keys=[created_by_id])
    person = relationship("Person")


class CaseNote(db.Model):
    """A short note on a person, visible to the members of the office it was written for."""

    __tablename__ = "case_note"
    __table_args__ = (CheckConstraint("length(text) > 0", name="text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("office.code"))
    text: Mapped[str] = mapped_column(String(1000))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    author = relationship("User", foreign_keys=[author_id])
