"""An uploaded old occupancy list and what became of each of its rows (kept for review)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.extensions import db


class LegacyImport(db.Model):
    """One uploaded workbook: kept (the file itself until applied) so the preview and the apply read the
    same bytes; applied at most once per checksum."""

    __tablename__ = "legacy_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)  # emptied once applied
    shelter_id: Mapped[int | None] = mapped_column(ForeignKey("shelter.id", ondelete="SET NULL"))
    office_code: Mapped[str] = mapped_column(ForeignKey("office.code"))
    residence_status: Mapped[str] = mapped_column(String(20))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    applied_at: Mapped[datetime | None] = mapped_column(DateTime)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    summary: Mapped[dict | None] = mapped_column(JSON)

    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])
    shelter = relationship("Shelter")
    rows: Mapped[list[LegacyRowRecord]] = relationship(back_populates="legacy_import",
                                                       cascade="all, delete-orphan",
                                                       order_by="LegacyRowRecord.id")


class LegacyRowRecord(db.Model):
    """One row of an applied list: where it went, or why it could not be mapped (open until resolved)."""

    __tablename__ = "legacy_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("legacy_import.id", ondelete="CASCADE"), index=True)
    sheet: Mapped[str] = mapped_column(String(100))
    line: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[dict] = mapped_column(JSON)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolution: Mapped[str | None] = mapped_column(String(500))

    legacy_import: Mapped[LegacyImport] = relationship(back_populates="rows")
