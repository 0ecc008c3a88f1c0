"""Models for sources."""
from __future__ import annotations
