"""Reading a delivered XLSX workbook (the school office) into the same records a CSV delivery gives.

The first worksheet is streamed row by row with openpyxl's read-only mode; row 1 is the header and a
record's line number is its row number. Each row is turned into one CSV record (the cells joined by
`;`, quoted where needed), so checking, hashing, quarantine and re-processing are the CSV machinery's.
A date cell is taken as that date (DD.MM.YYYY); a number in a date column is rejected, not guessed
(an Excel serial number or a year alone is no birth date).
"""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from caseapp.sources.registry import FileRejected, RawRecord, ReadFile


class RowsReadFile(ReadFile):
    """A ReadFile whose records are workbook rows; cell errors found while reading join the record."""

    cell_errors: dict[int, list[tuple[str | None, str]]]

    def record(self, index: int) -> RawRecord:
        rec = super().record(index)
        rec.errors.extend(self.cell_errors.get(index, ()))
        return rec


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if any(ch in text for ch in ';"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _workbook_rows(data: bytes):
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileRejected("Die Datei ist keine Excel-Arbeitsmappe (XLSX); erwartet wird die Datei des "
                           "Schulamts im Format .xlsx.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged or foreign zip file
        raise FileRejected("Die Datei ist keine lesbare Excel-Arbeitsmappe (XLSX).") from None
    if not workbook.worksheets:
        raise FileRejected("Die Arbeitsmappe enthält kein Arbeitsblatt.")
    return workbook, workbook.worksheets[0].iter_rows(values_only=True)


def read(data: bytes, *, columns: tuple[str, ...], required: tuple[str, ...], source_label: str,
         date_columns: frozenset[str] = frozenset()) -> ReadFile:
    """The first worksheet as records; FileRejected when it is no workbook or has no rows."""
    workbook, rows = _workbook_rows(data)
    try:
        first = next(rows, None)
        if first is None or not any(v not in (None, "") for v in first):
            raise FileRejected("Die Arbeitsmappe enthält keine Zeilen (erwartet: Kopfzeile in Zeile 1).")
        header = [str(v).strip().lower() if v is not None else "" for v in first]
        known = set(columns)
        found = [h for h in header if h in known]
        if not found:
            raise FileRejected(f"Die Datei ist keine Lieferung {source_label}: keine der erwarteten Spalten "
                               f"({', '.join(required)}) in Zeile 1 gefunden.")
        doubled = sorted({h for h in found if found.count(h) > 1})
        if doubled:
            raise FileRejected(f"Die Spalte {', '.join(doubled)} kommt in der Kopfzeile mehrfach vor.")
        missing = [c for c in required if c not in header]
        if missing:
            raise FileRejected(f"Pflichtspalte fehlt: {', '.join(missing)}. Die Kopfzeile muss alle "
                               "Pflichtspalten enthalten.")
        lines, indexes, cell_errors = [";".join(header)], [], {}
        dated = {i: h for i, h in enumerate(header) if h in date_columns}
        for row in rows:
            index = len(lines)
            lines.append(";".join(_cell(v) for v in row))
            if not any(v not in (None, "") for v in row):
                continue
            indexes.append(index)
            for i, name in dated.items():
                value = row[i] if i < len(row) else None
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cell_errors.setdefault(index, []).append((name, (
                        f"In {name} steht die Zahl {_cell(value)}, kein Datum; bitte als Datum (Zellformat "
                        "Datum) oder als Text TT.MM.JJJJ liefern.")))
    finally:
        workbook.close()
    if not indexes:
        raise FileRejected("Die Arbeitsmappe enthält keine Datensätze (nur die Kopfzeile).")
    positions = [(i, h) for i, h in enumerate(header) if h in known]
    read_file = RowsReadFile(
        "xlsx", header, lines, [line.encode("utf-8") for line in lines], indexes, positions
    )
    read_file.cell_errors = cell_errors
    return read_file
