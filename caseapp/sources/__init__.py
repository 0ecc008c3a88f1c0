"""sources area."""
