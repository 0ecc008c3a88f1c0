"""The record of processing (GDPR Art. 30) in docs/record-of-processing.json: load it, check it, extend it.

The file is the source of truth and is reviewed by hand; `missing_entries` compares it with the
tables the application declares, so a new column cannot go live without its entry.
"""
from __future__ import annotations

import json
from pathlib import Path

RECORD_PATH = Path(__file__).resolve().parent.parent.parent / "docs" / "record-of-processing.json"
COLUMN_KEYS = ("purpose", "category", "source_offices", "retention", "readable_by")


def load(path: Path = RECORD_PATH) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def missing_entries(metadata, record: dict | None = None) -> list[tuple[str, str]]:
    """(table, column) pairs the application has but the record does not describe."""
    record = load() if record is None else record
    tables = record.get("tables", {})
    missing = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        columns = tables.get(table.name, {}).get("columns", {})
        missing += [(table.name, c.name) for c in table.columns if c.name not in columns]
    return missing


def stale_entries(metadata, record: dict | None = None) -> list[tuple[str, str]]:
    """(table, column) pairs the record describes but the application no longer has."""
    record = load() if record is None else record
    stale = []
    for name, table in record.get("tables", {}).items():
        known = metadata.tables.get(name)
        for column in table.get("columns", {}):
            if known is None or column not in known.columns:
                stale.append((name, column))
    return sorted(stale)


def dumps(record: dict) -> str:
    """JSON with one line per column, so a review diff shows exactly the entries that changed."""
    head = {k: v for k, v in record.items() if k != "tables"}
    text = json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "tables": {\n'
    tables = []
    for name, table in record.get("tables", {}).items():
        cols = ",\n".join(f"        {json.dumps(c, ensure_ascii=False)}: {json.dumps(e, ensure_ascii=False)}"
                          for c, e in table["columns"].items())
        purpose = json.dumps(table["purpose"], ensure_ascii=False)
        tables.append(f'    {json.dumps(name)}: {{\n      "purpose": {purpose},\n'
                      f'      "columns": {{\n{cols}\n      }}\n    }}')
    return text + ",\n".join(tables) + "\n  }\n}\n"


def add_missing(metadata, record: dict) -> list[tuple[str, str]]:
    """Adds an entry marked „ZU PRÜFEN“ for every missing column (for review by hand); returns them."""
    missing = missing_entries(metadata, record)
    for table, column in missing:
        entry = record["tables"].setdefault(table, {"purpose": "ZU PRÜFEN: Zweck der Tabelle", "columns": {}})
        entry["columns"][column] = {"purpose": "ZU PRÜFEN", "category": "technical",
                                    "source_offices": ["intern"], "retention": "person",
                                    "readable_by": ["auditor"]}
    return missing
