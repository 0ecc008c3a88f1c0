"""Models for privacy."""
from __future__ import annotations
