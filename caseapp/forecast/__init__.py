"""forecast area."""
