"""Checks the audit trail's hash chain: every row links to the one before and hashes to its own value."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from caseapp.audit.chain import FIELDS, GENESIS, chain_key, legacy_row_hash, row_hash
from caseapp.audit.models import AuditEvent


@dataclass
class ChainReport:
    checked: int
    broken_id: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify_chain(session, batch: int = 5000, anchors=None) -> ChainReport:
    """Walk the rows in id order; stop at the first one that does not fit.

    An altered row no longer matches its hash; a deleted row leaves the next one pointing at a hash
    that is not its predecessor's; reordered rows break the links where they were swapped. Deleting
    the newest rows leaves no trace in the chain itself: `anchors` (audit/anchors.py, kept outside the
    database) name rows that existed earlier, each must still be there with the same hash.
    """
    anchors = list(anchors or ())
    expected = {a.last_id: a for a in anchors}
    legacy_limit, keyed_era = legacy_span(anchors)
    key = chain_key()
    seen_keyed = False
    prev = GENESIS
    checked = 0
    columns = [AuditEvent.id, AuditEvent.prev_hash, AuditEvent.hash] + [
        getattr(AuditEvent, f) for f in FIELDS
    ]
    # Plain rows, streamed: no identity map growing with the trail.
    stmt = select(*columns).order_by(AuditEvent.id).execution_options(yield_per=batch)
    # Closed on every way out: an early return must not leave the server-side cursor open.
    with session.execute(stmt) as result:
        for event in result:
            if event.prev_hash != prev:
                return ChainReport(checked, event.id, "Verkettung unterbrochen: der Vorgänger fehlt, "
                                                      "wurde verändert oder die Reihenfolge wurde geändert")
            values = {f: getattr(event, f) for f in FIELDS}
            if row_hash(event.prev_hash, values, key) == event.hash:
                seen_keyed = True
            elif not (_legacy_allowed(event.id, legacy_limit, keyed_era, seen_keyed)
                      and legacy_row_hash(event.prev_hash, values) == event.hash):
                return ChainReport(checked, event.id, "Inhalt verändert: der Eintrag passt nicht zu seinem "
                                                      "Hash")
            anchor = expected.pop(event.id, None)
            if anchor is not None and anchor.last_hash != event.hash:
                return ChainReport(checked, event.id, f"Eintrag passt nicht zum Anker vom {anchor.at}")
            prev = event.hash
            checked += 1
    if expected:
        anchor = max(expected.values(), key=lambda a: a.last_id)
        return ChainReport(checked, anchor.last_id, (
            f"die neuesten Einträge fehlen: am {anchor.at} reichte das Protokoll bis Eintrag "
            f"{anchor.last_id} "
            + (f"({anchor.rows} Einträge), " if anchor.rows is not None else "") + "jetzt endet es davor"))
    return ChainReport(checked)


def legacy_span(anchors) -> tuple[int, bool]:
    """(last id the old unkeyed hash may cover, whether the keyed chain has been anchored).

    Old rows are covered by the old anchors written before the first keyed anchor; once a keyed anchor
    exists, no later row may carry the old hash (a forger without the key would write exactly that).
    """
    limit, keyed = 0, False
    for anchor in anchors:
        if anchor.keyed:
            keyed = True
        elif not keyed:
            limit = max(limit, anchor.last_id)
    return limit, keyed


def _legacy_allowed(row_id: int, limit: int, keyed_era: bool, seen_keyed: bool) -> bool:
    if seen_keyed:
        return False
    return row_id <= limit or not keyed_era
