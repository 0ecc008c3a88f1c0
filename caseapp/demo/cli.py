"""Command-line commands for demo."""
from __future__ import annotations

commands: list = []
