"""Writes tests/data/Belegung_Altlisten.xlsx: two shelters' old occupancy lists as a city's shelter staff
keep them (docs/legacy-import.md lists the shapes). Run: .venv/bin/python tests/data/make_legacy_sample.py

The workbook is committed; this script documents how it was made and re-makes it byte-for-byte equal in
content (openpyxl stamps the time, so the file's bytes differ)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

OUT = Path(__file__).with_name("Belegung_Altlisten.xlsx")


def hafen(ws) -> None:
    ws.title = "GU Am Hafen"
    ws["A1"] = "Belegungsliste GU Am Hafen"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:H1")
    ws["A2"] = "Stand: 14.11.2026 (bitte immer aktuell halten!)"
    ws.append([])
    ws.append(["Zi.", "Bett", "Name, Vorname", "Geb.-Datum", "Geschlecht", "Staatsang.", "Einzug",
               "Bemerkung"])
    ws.append(["1. Obergeschoss"])
    ws.merge_cells("A5:H5")
    ws.append(["Zi. 1.01", 1, "HUSSEIN, Hassan", "12.03.1985", "m", "syrisch", "01.02.2026", "Familienvater"])
    ws.append([None, 2, "Hussein, Amira", "3.7.1988", "w", "Syrien", "01.02.26", None])
    ws.append([None, 3, "Hussein, Omar", datetime(2015, 5, 20), "m", "SYR", datetime(2026, 2, 1), None])
    ws.append([None, 4, "frei", None, None, None, None, None])
    ws.merge_cells("A6:A9")
    ws.append([])
    ws.append(["1.02", 1, "Ahmadi, Farid", 32874, "männlich", "afghanisch", "2026-03-15", None])
    ws.append(["1.02", 2, "Karimi Ali", "00.00.1979", "M", "Afghanistan", "15.3.2026", "spricht Dari"])
    ws.append(["Zimmer 2.04 gesperrt wegen Wasserschaden, Handwerker kommt"])
    ws.append(["2.01", 1, "Nowak, Olena", "1994", "weiblich", "ukrainisch", "10.04.2026", "Frauenzimmer"])
    ws.append(["2.01", 2, "Nowak, Sofiia", "11/2019", "w", "ukr.", "10.04.2026", None])
    ws.append(["9.99", 1, "Test, Unbekannt", "01.01.1990", "m", "deutsch", "01.06.2026",
               "Zimmer gibt es nicht"])
    ws.append(["2.02", 1, "Berhane, Senait", "31.02.1992", "w", "eritreisch", "02.05.2026", None])
    ws.append(["2.02", 2, "-", None, None, None, None, None])
    for col, width in zip("ABCDEFGH", (9, 6, 24, 13, 11, 13, 12, 30), strict=True):
        ws.column_dimensions[col].width = width


def lotter(ws) -> None:
    ws.title = "Lotter Straße"
    ws["A1"] = "GU Lotter Straße – Belegung November"
    ws.append(["Zimmer", "Nachname", "Vorname", "geb. am", "Nationalität", "seit", "Bemerkungen"])
    ws.append(["A1", "Rahimi", "Mohammad", "12.03.85", "Iran", "05.01.2026", None])
    ws.append([None, "Rahimi", "Zahra", "1.1.1987", "iranisch", "05.01.2026", None])
    ws.append([None, "Rahimi", "Darius", "2021-08-30", "IRN", "05.01.2026", "Kita-Platz gesucht"])
    ws.append([])
    ws.append(["A2", "Okafor", "Chidi", "14.02.1999", "nigerianisch", "12.09.2025", None])
    ws.append(["A2", "Mensah", "Kwame", "22.06.2001", "Ghana", "12.09.2025", None])
    ws.append(["A2", "Diallo", "Mamadou", "03.03.2000", "guineisch", "20.10.2025", "Zusatzbett?"])
    ws.append(["A2", "Okafor", "Chidi", "14.02.1999", "nigerianisch", "12.09.2025", "doppelt eingetragen"])


def notes(ws) -> None:
    ws.title = "Hinweise"
    ws["A1"] = "Diese Liste ersetzt die Liste vom Oktober."
    ws["A3"] = "Ansprechpartner Nachtdienst: siehe Aushang"


def main() -> None:
    wb = Workbook()
    hafen(wb.active)
    lotter(wb.create_sheet())
    notes(wb.create_sheet())
    wb.save(OUT)
    print(OUT)


if __name__ == "__main__":
    main()
