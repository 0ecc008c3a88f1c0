"""The audit trail: every read and change of personal data, append-only and hash-chained."""
