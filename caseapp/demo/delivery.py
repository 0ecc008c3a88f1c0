"""The demo city's foreigners-authority snapshot as a delivery file (spec/abh-delivery.md).

`caseapp demo --abh-file PATH` writes it next to the database: importing it with `caseapp sync import abh`
changes nothing (every record counts as unchanged), and edited copies make realistic test deliveries.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from caseapp.demo.rows import abh_key, abh_values


def abh_snapshot(city, abh_person_ids: set[int]) -> str:
    """CSV text (`;`, CRLF, header first) of every person the abh source delivers, in id order."""
    from caseapp.sources.abh import COLUMNS

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for p in city.persons:
        if p.id in abh_person_ids:
            values = abh_values(p, abh_key(p))
            writer.writerow([values[c] for c in COLUMNS])
    return out.getvalue()


def write_abh_snapshot(city, rows: dict[str, list[tuple]], path: Path) -> int:
    """Write the snapshot as UTF-8 with BOM; returns the number of records."""
    ids = {r[3] for r in rows["source_record"] if r[1] == "abh"}
    path.write_text("\ufeff" + abh_snapshot(city, ids), encoding="utf-8", newline="")
    return len(ids)
