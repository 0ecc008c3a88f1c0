"""A per-process cache of forecasts, keyed by their arguments and a fingerprint of the data they read.

Two committee reports of one run (and the forecast page) ask for the same forecast of the same data
date; it costs about a second here, mostly reading the history. The fingerprint makes a cached result
safe: it is a digest of the row versions of every table the forecast reads (person, transition,
district, district_places), as the asking transaction sees them. PostgreSQL gives every inserted or
updated row version a new (xmin, ctid) pair, and a deleted row drops out of the count, so any change -
committed by someone else, or made earlier in the asking transaction itself - changes the fingerprint and the
forecast is computed afresh. A stale hit would need a 64-bit hash collision. The key is the
fingerprint read before computing: a write committed while the forecast is computed can only make the
stored figures newer than their key, and every later snapshot that sees that write has another
fingerprint, so it never gets figures older than its data. On other databases (SQLite) nothing is cached.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from threading import Lock

from sqlalchemy import text

from caseapp.extensions import db

TABLES = ("person", "transition", "district", "district_places")
MAX_ENTRIES = 8

_entries: OrderedDict = OrderedDict()
_lock = Lock()
stats = {"hits": 0, "misses": 0}


def fingerprint() -> tuple | None:
    """(database, per table: row count and the sum of 64-bit hashes of (xmin, ctid)); None off PostgreSQL."""
    bind = db.session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    parts = " UNION ALL ".join(
        f"SELECT '{t}', count(*), coalesce(sum(hashtextextended(xmin::text || ctid::text, 0)::numeric), 0) "
        f'FROM "{t}"' for t in TABLES
    )
    rows = db.session.execute(text(parts)).all()
    return (bind.engine.url.render_as_string(hide_password=True), *[(t, n, str(h)) for t, n, h in rows])


def cached(key: tuple, compute: Callable):
    """compute() or an earlier result for the same key and the same data; `key` holds the arguments."""
    before = fingerprint()
    if before is None:
        return compute()
    full = (key, date.today(), before)  # "today" decides between the live and the history path
    with _lock:
        if full in _entries:
            _entries.move_to_end(full)
            stats["hits"] += 1
            return _entries[full]
    stats["misses"] += 1
    result = compute()
    with _lock:
        _entries[full] = result
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return result


def clear() -> None:
    with _lock:
        _entries.clear()
