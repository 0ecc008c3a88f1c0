"""Content-free markers of erased keys, and is_erased(source, key) for importers to ask before creating."""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select

from caseapp.extensions import db
from caseapp.privacy.models import ErasedKey

# Namespace for AZR numbers: a re-delivery under a new source key but the same AZR number is caught too.
AZR = "azr"


def _pepper() -> bytes:
    return current_app.config["CASEAPP_ERASURE_PEPPER"].encode("utf-8")


def marker(source: str, key: str) -> str:
    """HMAC-SHA256 of (source, key) with the configured pepper; the key cannot be read back from it."""
    message = f"{source.strip().lower()}\x1f{key.strip()}".encode()
    return hmac.new(_pepper(), message, hashlib.sha256).hexdigest()


def person_fingerprint(person) -> str:
    """Identifies a person row across a backup and its restore (id plus creation time), without content."""
    created = person.created_at.isoformat() if person.created_at else ""
    message = f"person\x1f{person.id}\x1f{created}".encode()
    return hmac.new(_pepper(), message, hashlib.sha256).hexdigest()[:32]


def is_erased(source: str, key: str | None) -> bool:
    """True when a person delivered under (source, key) was anonymised: do not re-create them silently.

    Importers call this for every new (source, key) and for the AZR number (source "azr") and flag
    the record for review instead of creating a new person.
    """
    if not key:
        return False
    return db.session.scalar(select(ErasedKey.id).where(ErasedKey.marker == marker(source, key))) is not None


def add_marker(source: str, value: str, *, reason: str, at) -> bool:
    """Store a marker unless it is there already; returns whether it was new."""
    if db.session.scalar(select(ErasedKey.id).where(ErasedKey.marker == value)) is not None:
        return False
    db.session.add(ErasedKey(source=source, marker=value, reason=reason, erased_at=at))
    return True
