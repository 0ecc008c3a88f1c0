"""Chart text helpers that need no matplotlib (tables, exports and pages import these at start-up)."""
from __future__ import annotations

from babel.numbers import format_decimal

from caseapp.stats.publish import SUPPRESSED as SUPPRESSED_DE  # the one marker, defined by the door


def number_de(value, digits: int = 0) -> str:
    """1234.5 -> '1.234' / '1.234,5'; None (suppressed) -> '•'."""
    if value is None:
        return SUPPRESSED_DE
    fmt = "#,##0" if digits == 0 else "#,##0." + "0" * digits
    return format_decimal(value, format=fmt, locale="de_DE")
