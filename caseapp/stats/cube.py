"""Hook for a materialised path for today's population on PostgreSQL - NOT BUILT YET.

Planned: a cube table kept current by statement-level triggers in migration 0005. Until then this
returns None and the caller counts from the person table.
"""
from __future__ import annotations


def population_today(day, dims, filters, groups):
    """None: the caller counts from the person table."""
