"""Links, review pairs (with the remembered non-matches) and merge records that make a merge undoable.

A side of a pair or a link is a record, named as the contract names it: `(source, key)`. A person
registered by hand has no source record; it is named `(office, "#<person id>")` (`#` never occurs
in a source key). Persons change through merges, records do not, so pairs never point at persons.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.codelists import ReviewStatus
from caseapp.extensions import db

PAIR_STATUSES = tuple(ReviewStatus)
# model: between the thresholds; azr: equal AZR number but sex or birth year disagree;
# source_duplicate: two records of one source look like one human (reported to that source);
# registration: a person registered by hand resembles a known one (duplicate warning).
PAIR_KINDS = ("model", "azr", "source_duplicate", "registration")
LINK_RULES = ("azr", "model", "steward")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ReviewPair(db.Model):
    """Two records the rules and the model could not decide (Prüffall); a data steward decides.

    Status `different` is the remembered non-match: the pair is never proposed again.
    """

    __tablename__ = "review_pair"
    __table_args__ = (
        CheckConstraint(_in("status", PAIR_STATUSES), name="status"),
        CheckConstraint(_in("kind", PAIR_KINDS), name="kind"),
        Index("ix_review_pair_left", "left_source", "left_key"),
        Index("ix_review_pair_right", "right_source", "right_key"),
        Index("ix_review_pair_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="model")
    status: Mapped[str] = mapped_column(String(12), default=ReviewStatus.open.value)
    # The record that came in (left) and the known one it resembles (right).
    left_source: Mapped[str] = mapped_column(String(10))
    left_key: Mapped[str] = mapped_column(String(40))
    right_source: Mapped[str] = mapped_column(String(10))
    right_key: Mapped[str] = mapped_column(String(40))
    # Match weight (log2 Bayes factor incl. prior) and probability of the model; the "why" per field.
    score: Mapped[float] = mapped_column(Float, default=0.0)
    probability: Mapped[float | None] = mapped_column(Float)
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(String(300))
    model_version: Mapped[str | None] = mapped_column(String(20))
    # The office that must look at it too (an AZR number known to that office, issue 13 item 7).
    notify_office: Mapped[str | None] = mapped_column(ForeignKey("office.code"))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_by_label: Mapped[str | None] = mapped_column(String(50))

    decided_by = relationship("User")

    @property
    def left(self) -> tuple[str, str]:
        return (self.left_source, self.left_key)

    @property
    def right(self) -> tuple[str, str]:
        return (self.right_source, self.right_key)

    def __str__(self) -> str:
        return f"Prüffall {self.id}"


class Link(db.Model):
    """A record attached to a person known from elsewhere (Verknüpfung): rule, score, why, who, when."""

    __tablename__ = "record_link"
    __table_args__ = (
        CheckConstraint(_in("rule", LINK_RULES), name="rule"),
        Index("ix_record_link_record", "source_code", "key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_code: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(40))
    # The person the record was attached to at the time (a later merge may have moved it on).
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    rule: Mapped[str] = mapped_column(String(10))
    score: Mapped[float | None] = mapped_column(Float)
    weights: Mapped[dict] = mapped_column(JSON, default=dict)
    model_version: Mapped[str | None] = mapped_column(String(20))
    pair_id: Mapped[int | None] = mapped_column(ForeignKey("review_pair.id"))
    merge_id: Mapped[int | None] = mapped_column(ForeignKey("person_merge.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_by_label: Mapped[str | None] = mapped_column(String(50))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)


class MergeRecord(db.Model):
    """Two persons became one (Zusammenführen): the merged person's row as it was and every row that
    moved, so a split restores the merged person under its old id with exactly what the merge moved.

    The merged person's row is removed (nothing else counts it twice: lists, statistics, allocation);
    its id keeps answering through this record (`merged_id` -> `survivor_id`, see queries.merged_into).
    """

    __tablename__ = "person_merge"
    __table_args__ = (Index("ix_person_merge_merged", "merged_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(Integer, index=True)
    merged_id: Mapped[int] = mapped_column(Integer)
    # {"person": {...}, "nationalities": [...], "moved": {table: [pk, ...]}, "added": {table: [row, ...]}}
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)
    score: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    by_label: Mapped[str | None] = mapped_column(String(50))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
