"""The append-only erasure journal: a file outside the database, so a restored backup can re-apply erasures.

One JSON object per line: when, which person row (id and a content-free fingerprint), the markers of
its erased keys and why. No name, date or key is written. An entry is appended (and fsynced) before the
database transaction commits: if that transaction fails, re-applying the entry performs an erasure that
was due anyway, whereas the other order could lose an erasure and let a restore resurrect the person.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app


class JournalError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    at: datetime
    person_id: int
    fingerprint: str
    markers: tuple[tuple[str, str], ...]  # (source, marker)
    reason: str

    def to_json(self) -> str:
        return json.dumps({
            "v": 1, "at": self.at.isoformat(timespec="seconds"), "person_id": self.person_id,
            "fingerprint": self.fingerprint, "markers": [list(m) for m in self.markers],
            "reason": self.reason,
        }, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Entry:
        data = json.loads(text)
        return cls(datetime.fromisoformat(data["at"]), int(data["person_id"]), data["fingerprint"],
                   tuple((s, m) for s, m in data["markers"]), data["reason"])


def journal_path() -> Path:
    return Path(current_app.config["CASEAPP_ERASURE_JOURNAL"])


def append(entry: Entry, path: Path | None = None) -> None:
    path = path or journal_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (entry.to_json() + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path: Path | None = None, since: datetime | None = None) -> list[Entry]:
    """All entries (optionally only those at or after `since`); a damaged line stops with its number."""
    path = path or journal_path()
    if not path.exists():
        return []
    entries = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                entry = Entry.from_json(line)
            except (ValueError, KeyError, TypeError) as exc:
                raise JournalError(f"Löschjournal {path}, Zeile {number} ist beschädigt: {exc}") from None
            if since is None or entry.at >= since:
                entries.append(entry)
    return entries
