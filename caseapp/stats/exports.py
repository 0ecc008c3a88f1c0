"""Tables as CSV and XLSX downloads; text that a spreadsheet could read as a formula is defused.

A value starting with =, +, -, @ (or a tab / carriage return) is prefixed with an apostrophe, so no
spreadsheet ever evaluates it (OWASP "CSV injection"). Numbers stay numbers; suppressed counts are
written as "•".
"""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from caseapp.stats.publish import SUPPRESSED as SUPPRESSED_DE

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if value is None:
        return SUPPRESSED_DE
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS_START) else text


def csv_bytes(header: list, rows) -> bytes:
    """Semicolon-separated, UTF-8 with BOM (what German Excel opens without asking); values as given."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """A statistics table as CSV: formulas defused, suppressed counts as "•"."""
    return csv_bytes([safe_cell(h) for h in header], ([safe_cell(v) for v in row] for row in rows))


def to_xlsx(header: list[str], rows: list[list], *, title: str = "Tabelle", note: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([safe_cell(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for cell_row in ws.iter_rows(min_row=2):
        for cell in cell_row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    if note:
        ws.append([])
        ws.append([safe_cell(note)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def download(fmt: str, name: str, header: list[str], rows: list[list], note: str | None = None):
    """A Flask response with the table as CSV or XLSX."""
    from flask import Response, abort

    if fmt not in CONTENT_TYPES:
        abort(400)
    body = to_csv(header, rows + ([[note]] if note else [])) if fmt == "csv" else to_xlsx(
        header, rows, title=name, note=note)
    return Response(body, mimetype=CONTENT_TYPES[fmt].split(";")[0], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"', "Content-Type": CONTENT_TYPES[fmt]})
