"""Command-line commands for districts."""
from __future__ import annotations

commands: list = []
