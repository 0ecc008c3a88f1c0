"""Command-line commands for privacy."""
from __future__ import annotations

commands: list = []
