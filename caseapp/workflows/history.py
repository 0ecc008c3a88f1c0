"""The history of lifecycle steps: one Transition row per step (event, from, to, date, by whom, why)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.extensions import db
from caseapp.workflows.models import Transition


def record_transition(entity: str, entity_id: int, event: str, from_state: str | None, to_state: str,
                      occurred_on: date, *, by=None, actor: str | None = None,
                      reason: str | None = None) -> Transition:
    """Write one history row into the caller's transaction; `by` is a user, `actor` a label like
    'source:abh'."""
    if by is None and not actor:
        raise ValueError("record_transition needs `by` (a user) or `actor` (a label)")
    row = Transition(
        entity=entity,
        entity_id=entity_id,
        event=event,
        from_state=from_state,
        to_state=to_state,
        occurred_on=occurred_on,
        by_user_id=getattr(by, "id", None),
        by_label=actor,
        reason=(reason or None) and reason[:500],
    )
    db.session.add(row)
    db.session.flush()
    return row


def history(entity: str, entity_id: int) -> list[Transition]:
    """All steps of one person or shelter, oldest first."""
    stmt = (select(Transition)
            .where(Transition.entity == entity, Transition.entity_id == entity_id)
            .order_by(Transition.occurred_on, Transition.id))
    return list(db.session.scalars(stmt))


def last_event_date(entity: str, entity_id: int, *, exclude=("register", "block_beds")) -> date | None:
    """The date of the latest lifecycle step (registration excluded: it is bookkeeping, not an event
    in the world, and an arrival may be recorded after the fact)."""
    stmt = select(db.func.max(Transition.occurred_on)).where(
        Transition.entity == entity, Transition.entity_id == entity_id, Transition.event.not_in(exclude)
    )
    return db.session.scalar(stmt)
