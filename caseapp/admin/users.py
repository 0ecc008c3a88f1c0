"""Admin views for users."""
from __future__ import annotations


def register(admin) -> None:
    """Adds this area's views to the admin."""
