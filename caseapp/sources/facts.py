"""Each office's own facts (Fachdaten) with their history: one table per office, one row per change.

A row belongs to the source record that delivered it (not to the person, so a merge or split of
persons carries it along) and is valid from the as-of date of the delivery that brought it until the
as-of date of the delivery that changed it (`valid_to` NULL: current). Who may read them is decided
in `caseapp.sources.fact_access`, never here.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.sources import bulk


class OfficeFactMixin:
    """The history columns every office's facts table has; the office adds its own columns."""

    id: Mapped[int] = mapped_column(primary_key=True)
    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("delivery.id"))


def fact_columns(model) -> tuple[str, ...]:
    """The office's own columns of a facts table (without the history columns), in table order."""
    skip = {"id", "source_record_id", "valid_from", "valid_to", "delivery_id"}
    return tuple(c.name for c in model.__table__.columns if c.name not in skip)


def write(
    source_code: str, model, facts_by_key: dict[str, dict], *, as_of: date, delivery_id: int | None
) -> int:
    """Record the delivered facts of these keys: a changed or new set closes the current row and opens
    a new one; an equal set changes nothing. Returns the number of new rows."""
    if model is None or not facts_by_key:
        return 0
    table = model.__tablename__
    columns = fact_columns(model)
    ids = dict(bulk.select_in("SELECT key, id FROM source_record WHERE source_code = :c AND key IN :keys",
                              "keys", facts_by_key, {"c": source_code}))
    cols = ", ".join(("id", "source_record_id", *columns))
    current = {r[1]: r for r in bulk.select_in(
        f"SELECT {cols} FROM {table} WHERE valid_to IS NULL AND source_record_id IN :ids", "ids",
        ids.values())}
    closes, rows = [], []
    for key, facts in facts_by_key.items():
        record_id = ids.get(key)
        if record_id is None:
            continue
        new = tuple(facts.get(c) for c in columns)
        old = current.get(record_id)
        if old is not None:
            if tuple(_plain(v) for v in old[2:]) == tuple(_plain(v) for v in new):
                continue
            closes.append({"id": old[0], "valid_to": as_of})
        rows.append((record_id, as_of, delivery_id, *new))
    bulk.update_rows(table, closes, {"id": "int", "valid_to": "date"})
    bulk.copy_rows(table, ("source_record_id", "valid_from", "delivery_id", *columns), rows)
    return len(rows)


def _plain(value):
    """SQLite returns dates of plain SQL as text; compare in one form."""
    return value.isoformat() if isinstance(value, date) else value
