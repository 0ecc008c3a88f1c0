"""Command-line commands for sources."""
from __future__ import annotations

commands: list = []
