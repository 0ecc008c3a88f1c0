"""Times as people read them: every stored timestamp is UTC, every shown one is Osnabrück time.

The database keeps naive UTC (`datetime.now(UTC)` in the operations, `now()` on a UTC server); pages,
PDFs and exports format through `local_datetime` so a reader never sees two clocks side by side.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Berlin")


def to_local(value: datetime) -> datetime:
    """A stored (naive UTC or aware) time as an aware Europe/Berlin time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL)


def local_datetime(value: datetime | None, *, seconds: bool = False) -> str:
    """'02.12.2026 16:55' (Osnabrück time); '' for None."""
    if value is None:
        return ""
    return to_local(value).strftime("%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M")


def local_date(value: date | datetime | None) -> str:
    """'02.12.2026'; a timestamp is first turned into Osnabrück time (23:30 UTC is the next day there)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d.%m.%Y")


def local_today() -> date:
    """Today in Osnabrück (the server clock may run in UTC: before 01:00 local, UTC says yesterday)."""
    return datetime.now(LOCAL).date()


def register_filters(app) -> None:
    """Jinja filters `local_datetime` and `local_date` for every template."""
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
