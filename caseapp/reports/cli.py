"""Command-line commands for reports."""
from __future__ import annotations

commands: list = []
