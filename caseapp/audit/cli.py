"""Command-line commands for audit."""
from __future__ import annotations

commands: list = []
