"""Source adapters by source code: the next office's format is one new module listed here.

An adapter turns a delivered file into records and a record's values into person fields. It knows
nothing of the database; `caseapp.sources.operations` does the rest the same way for every source.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

# Modules that define an adapter (each calls `register` at import time).
ADAPTER_MODULES = ("caseapp.sources.abh",)

_ADAPTERS: dict[str, "Adapter"] = {}


class FileRejected(Exception):
    """The file cannot be read at all; the German message says why. Nothing is changed."""


@dataclass(slots=True)
class RawRecord:
    """One data line: its number in the file (header = 1), the text and its split fields."""

    line: int
    raw: str
    fields: list[str]
    # Errors found while splitting the line (e.g. broken quotes), before any column is checked.
    errors: list[tuple[str | None, str]] = field(default_factory=list)


@dataclass
class ReadFile:
    encoding: str
    header: list[str]
    header_line: str
    records: list[RawRecord]
    # (position in the line, column name) of every known column present.
    positions: list[tuple[int, str]]

    def values(self, record: RawRecord) -> dict[str, str | None]:
        """The record's values by column name, normalised (NFC, stripped, empty = None)."""
        from caseapp.sources.csvfile import normalise

        fields = record.fields
        n = len(fields)
        return {name: normalise(fields[i]) if i < n else None for i, name in self.positions}

    def raw_value(self, record: RawRecord, column: str) -> str | None:
        for i, name in self.positions:
            if name == column:
                return record.fields[i].strip() if i < len(record.fields) else None
        return None


@dataclass
class Parsed:
    """A valid record as person fields (the names of caseapp.people.models.Person) plus its keys."""

    key: str
    fields: dict
    nationalities: list[str]
    household_key: str | None


class Adapter(Protocol):
    code: str
    key_column: str
    columns: tuple[str, ...]

    def read(self, data: bytes) -> ReadFile: ...

    def normalise(self, values: dict) -> dict: ...

    def values_hash(self, values: dict) -> str: ...

    def raw_hash(self, header_line: str, raw: str) -> str: ...

    def key_of(self, values: dict) -> str | None: ...

    def parse(self, values: dict, as_of: date) -> tuple[Parsed | None, list[tuple[str | None, str]]]: ...


def register(adapter: Adapter) -> Adapter:
    _ADAPTERS[adapter.code] = adapter
    return adapter


def _load() -> None:
    if not _ADAPTERS:
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
