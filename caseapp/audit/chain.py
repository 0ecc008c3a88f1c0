"""The audit chain's row hash: HMAC-SHA256 under a key the database's owner does not hold.

An unkeyed SHA-256 chain can be recomputed by anyone who can write the table: a superuser rewrote
rows after the last anchor, recomputed every hash and the check said intact. With the key
(`CASEAPP_AUDIT_KEY`, from the environment or a file only the app reads) a rewritten row cannot be
given a fitting hash. Rows written before the key was introduced carry the old unkeyed hash; they are
accepted only up to the last anchor written for them (see verify.py), never after a keyed row.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app

GENESIS = "0" * 64
FIELDS = ("at", "user_id", "user_email", "actor", "office", "action", "object_type", "object_id",
          "channel", "detail")
ALGORITHM = "hmac-sha256"


def _message(prev_hash: str, values: dict) -> bytes:
    parts = [prev_hash] + ["" if values.get(f) is None else str(values.get(f)) for f in FIELDS]
    return "\x1f".join(parts).encode("utf-8")


def chain_key() -> bytes:
    return hashlib.sha256(
        ("caseapp audit chain\x1f" + current_app.config["CASEAPP_AUDIT_KEY"]).encode()
    ).digest()


def row_hash(prev_hash: str, values: dict, key: bytes | None = None) -> str:
    return hmac.new(key or chain_key(), _message(prev_hash, values), hashlib.sha256).hexdigest()


def legacy_row_hash(prev_hash: str, values: dict) -> str:
    """The unkeyed hash of rows written before migration to the keyed chain (caseapp before 2026-12)."""
    return hashlib.sha256(_message(prev_hash, values)).hexdigest()
