"""ErasedKey: a content-free marker of a source key (or AZR number) whose person was anonymised."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db


class ErasedKey(db.Model):
    """HMAC-SHA256(pepper, source + key): lets the importer recognise an erased key without keeping it.

    `source` is the namespace of the key: a source code such as "abh", or "azr" for AZR numbers.
    Neither the key nor the person it belonged to is stored, so the row says nothing about anyone.
    """

    __tablename__ = "erased_key"
    __table_args__ = (CheckConstraint("length(marker) = 64", name="marker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    marker: Mapped[str] = mapped_column(String(64), unique=True)
    erased_at: Mapped[datetime] = mapped_column(DateTime)
    # Why: "retention" (period ended) or "request" (erasure on request); never the content.
    reason: Mapped[str] = mapped_column(String(20))
