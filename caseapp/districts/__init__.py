"""The city's 23 districts (Stadtteile)."""
