"""Admin views for sources."""
from __future__ import annotations


def register(admin) -> None:
    """Adds this area's views to the admin."""
