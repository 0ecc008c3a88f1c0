"""One module per committee; each exposes build(inputs) -> Content (sections of tables, charts, text)."""
