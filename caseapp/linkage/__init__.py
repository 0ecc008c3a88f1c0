"""Record linkage: which delivered records are one person (docs/linkage.md, shared spec linkage.md)."""
