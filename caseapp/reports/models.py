"""Models for reports."""
from __future__ import annotations
