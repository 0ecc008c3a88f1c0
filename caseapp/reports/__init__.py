"""reports area."""
