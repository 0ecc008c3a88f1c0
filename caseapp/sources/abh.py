"""The adapter for the foreigners authority's snapshot (source `abh`), exactly per spec/abh-delivery.md."""
from __future__ import annotations

from datetime import date

from caseapp.fieldrules import german
from caseapp.sources.adapter import Column, SourceAdapter, core
from caseapp.sources.registry import register

# Lengths of the contract, or of the database column where the contract sets none (hausnummer, ort);
# tests/test_sources_limits.py keeps them within the columns' lengths. Every one is checked before a
# value reaches the database, so an over-long value is a rejected record, never an aborted run.
_CORE = {c.name: c for c in core("abh")}
COLUMNS_SPEC = (
    *(_CORE[n] for n in ("abh_id", "azr_nr", "familienname", "vornamen", "geburtsdatum", "geschlecht",
                         "staatsangehoerigkeit")),
    Column("aufenthaltsstatus", "status", required=True, field="residence_status"),
    Column("rechtsgrundlage", "text", field="legal_basis", limit=100),
    Column("einreisedatum", "date", field="entry_date"),
    Column("zuzugsdatum", "date", field="move_in_date"),
    Column("wegzugsdatum", "date", field="move_out_date"),
    *(_CORE[n] for n in ("strasse", "hausnummer", "plz", "ort", "stadtteil")),
    Column("familien_id", "text", limit=32),
)
COLUMNS = tuple(c.name for c in COLUMNS_SPEC)
TEXT_LIMITS = {c.name: c.limit for c in COLUMNS_SPEC if c.kind == "text"}
TEXT_FIELDS = {c.name: c.field for c in COLUMNS_SPEC if c.kind == "text" and c.field}


class AbhAdapter(SourceAdapter):
    code = "abh"
    label = "der Ausländerbehörde"
    columns_spec = COLUMNS_SPEC
    household_column = "familien_id"
    azr_conflict_rejects = True

    def check(self, fields: dict, facts: dict, values: dict, as_of: date, err) -> None:
        move_in, move_out = fields.get("move_in_date"), fields.get("move_out_date")
        if move_in and move_out and move_out < move_in:
            err(("wegzugsdatum", (f"Das Wegzugsdatum {german(move_out)} liegt vor dem Zuzugsdatum "
                                 f"{german(move_in)}.")))
        entry = fields.get("entry_date")
        if entry and entry > as_of:
            err(("einreisedatum", (f"Das Einreisedatum {values['einreisedatum']} liegt nach dem Stichtag "
                                  f"{german(as_of)}.")))


register(AbhAdapter())
