"""Source adapters by source code: the next office's format is one new module listed here.

An adapter turns a delivered file into records and a record's values into person fields. It knows
nothing of the database; `caseapp.sources.operations` does the rest the same way for every source.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

# Modules that define an adapter (each calls `register` at import time) and its facts table.
ADAPTER_MODULES = ("caseapp.sources.abh", "caseapp.sources.soz", "caseapp.sources.jug", "caseapp.sources.sch",
                   "caseapp.sources.jc")

_ADAPTERS: dict[str, Adapter] = {}


class FileRejected(Exception):
    """The file cannot be read at all; the German message says why. Nothing is changed."""


@dataclass(slots=True)
class RawRecord:
    """One record: the number of the line it starts on (header = 1), its text and its split fields."""

    line: int
    raw: str
    fields: list[str]
    # Errors found while splitting the line (e.g. broken quotes), before any column is checked.
    errors: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass
class ReadFile:
    """A decoded file: its lines as text and as bytes (same numbering; index 0 is the header)."""

    encoding: str
    header: list[str]
    lines: list[str]
    raw_lines: list[bytes]
    # Index of the line each record starts on (blank lines between records are no records).
    indexes: list[int]
    # (position in the line, column name) of every known column present.
    positions: list[tuple[int, str]]
    # For the rare record whose quoted value holds a line break: start index -> end index (exclusive).
    spans: dict[int, int] = field(default_factory=dict)

    @property
    def header_line(self) -> str:
        return self.lines[0].rstrip("\r")

    @property
    def count(self) -> int:
        return len(self.indexes)

    def text(self, index: int) -> str:
        """The record starting at line `index`, its lines joined by LF (CRLF inside a value becomes LF)."""
        end = self.spans.get(index)
        if end is None:
            return self.lines[index].rstrip("\r")
        return "\n".join(line.rstrip("\r") for line in self.lines[index:end])

    def raw(self, index: int) -> bytes:
        """The bytes of the record starting at line `index`, without line-ending CRs (same joining)."""
        end = self.spans.get(index)
        if end is None:
            return self.raw_lines[index].rstrip(b"\r")
        return b"\n".join(line.rstrip(b"\r") for line in self.raw_lines[index:end])

    def record(self, index: int) -> RawRecord:
        from caseapp.sources.csvfile import split_record

        return split_record(index + 1, self.text(index), self.header)

    @property
    def records(self) -> list[RawRecord]:
        return [self.record(i) for i in self.indexes]

    def values(self, record: RawRecord) -> dict[str, str | None]:
        """The record's values by column name, normalised (NFC, stripped, empty = None)."""
        from caseapp.sources.csvfile import normalise

        fields = record.fields
        n = len(fields)
        return {name: normalise(fields[i]) if i < n else None for i, name in self.positions}


@dataclass
class Parsed:
    """A valid record as person fields (the names of caseapp.people.models.Person) plus its keys."""

    key: str
    fields: dict
    nationalities: list[str]
    household_key: str | None
    # The office's own facts by column of its facts table (empty for a source without one).
    facts: dict = field(default_factory=dict)


class Adapter(Protocol):
    """What the importer needs of an office; caseapp.sources.adapter.SourceAdapter implements it."""

    code: str
    key_column: str
    # The column of the AZR number (None when the office never delivers it); the importer pools by it.
    azr_column: str | None
    columns: tuple[str, ...]
    person_fields: frozenset[str]

    def read(self, data: bytes) -> ReadFile: ...

    def values_hash(self, values: dict) -> str: ...

    def key_of(self, values: dict) -> str | None: ...

    def parse(self, values: dict, as_of: date) -> tuple[Parsed | None, list[tuple[str | None, str]]]: ...


def register(adapter: Adapter) -> Adapter:
    _ADAPTERS[adapter.code] = adapter
    return adapter


def _load() -> None:
    # Every module, every time (imports are cached): some are imported earlier for their tables.
    for name in ADAPTER_MODULES:
        importlib.import_module(name)


def get_adapter(code: str) -> Adapter:
    _load()
    try:
        return _ADAPTERS[code]
    except KeyError:
        known = ", ".join(sorted(_ADAPTERS)) or "keine"
        raise FileRejected(f"Unbekannte Datenquelle '{code}'. Bekannte Datenquellen: {known}") from None


def known_sources() -> list[str]:
    _load()
    return sorted(_ADAPTERS)
