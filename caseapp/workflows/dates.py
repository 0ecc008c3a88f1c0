"""The date rule shared by every lifecycle step: today by default, never future, never before the last
step."""
from __future__ import annotations

from datetime import date

from caseapp.workflows.errors import InvalidInput, TransitionRefused
from caseapp.workflows.history import last_event_date


def german(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def event_date(entity: str, entity_id: int | None, on: date | None, *, today: date | None = None) -> date:
    """The day a step happened: `on` or today; refused when in the future or before the previous step."""
    today = today or date.today()
    on = on or today
    if not isinstance(on, date):
        raise InvalidInput("date", "Das Datum muss ein Kalenderdatum sein")
    if on > today:
        raise InvalidInput("date", f"Das Datum {german(on)} liegt in der Zukunft")
    if entity_id is not None:
        last = last_event_date(entity, entity_id)
        if last is not None and on < last:
            raise TransitionRefused(
                f"Das Datum {german(on)} liegt vor dem letzten Schritt vom {german(last)}"
            )
    return on
