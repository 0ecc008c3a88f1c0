"""Kita and school places per district: entered by analysts (admin page "Plätze") or imported from the
CSV list the school office keeps (columns: docs/places-csv.md). The forecast compares them with the
expected children and gives a coverage rate (places per 100 children) per district and year."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from caseapp.districts.models import PLACE_KINDS, District, DistrictPlaces
from caseapp.extensions import db
from caseapp.fieldrules import digits

# CSV column -> place kind; "Stadtteil" and "Jahr" are required, at least one kind column too.
CSV_COLUMNS = {"Krippe": "krippe", "Kindergarten": "kita", "Erste Klassen": "einschulung",
               "Grundschule": "grundschule"}
REQUIRED = ("Stadtteil", "Jahr")
MAX_ERRORS = 50


class PlacesError(ValueError):
    """A CSV file that cannot be imported; `errors` name line and column (German)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    rows: int = 0
    values: int = 0
    changed: list = field(default_factory=list)


def places_for_years(years) -> dict:
    """{district: {kind: {year: places}}} for each year asked: the year's own entry or the latest earlier."""
    entries: dict = {}
    for p in db.session.scalars(db.select(DistrictPlaces).order_by(DistrictPlaces.year)):
        entries.setdefault(p.district_number, {}).setdefault(p.kind, []).append((p.year, p.places))
    out: dict = {}
    for district, kinds in entries.items():
        for kind, values in kinds.items():
            for y in years:
                known = [n for year, n in values if year <= y]
                if known:
                    out.setdefault(district, {}).setdefault(kind, {})[y] = known[-1]
    return out


def set_places(district: str, kind: str, year: int, places: int | None, *, user=None,
               source: str = "eingabe") -> None:
    """Enter (or with None remove) the places of one kind in one district for one year."""
    if kind not in PLACE_KINDS:
        raise ValueError(f"Unbekannte Platzart {kind!r}")
    row = db.session.scalar(
        db.select(DistrictPlaces).filter_by(district_number=district, kind=kind, year=year))
    if places is None:
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        row = DistrictPlaces(district_number=district, kind=kind, year=year)
        db.session.add(row)
    row.places, row.source = places, source[:120]
    row.updated_by_id = getattr(user, "id", None)


def parse_year(text: str) -> int | None:
    """2027, or a school year written 2027/28 or 2027/2028 (the year it starts)."""
    text = text.strip()
    head = text.split("/", 1)[0].strip()
    if len(head) == 4 and digits(head) and 2000 <= int(head) <= 2100:
        return int(head)
    return None


def parse_csv(data: bytes) -> list[tuple[str, str, int, int | None]]:
    """(district, kind, year, places or None for an empty cell) per value; PlacesError naming line and
    column of every problem. Semicolon or comma separated, UTF-8 (with or without BOM) or Windows-1252."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise PlacesError([("Zeile 1: die Datei ist leer; erwartet wird eine Kopfzeile mit "
                            "„Stadtteil;Jahr;Krippe;Kindergarten;Erste Klassen;Grundschule“")])
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    errors = [f"Zeile 1: Spalte „{c}“ fehlt" for c in REQUIRED if c not in header]
    unknown = [h for h in header if h and h not in REQUIRED and h not in CSV_COLUMNS]
    errors += [f"Zeile 1, Spalte {header.index(h) + 1}: unbekannte Spalte „{h}“ (erlaubt: "
               f"{', '.join((*REQUIRED, *CSV_COLUMNS))})" for h in unknown]
    if not any(h in CSV_COLUMNS for h in header):
        errors.append("Zeile 1: keine Spalte mit Plätzen (Krippe, Kindergarten, Erste Klassen, Grundschule)")
    if errors:
        raise PlacesError(errors)
    districts = set(db.session.scalars(db.select(District.number)))
    values, seen = [], {}
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            if any(c.strip() for c in cells[len(header):]):  # empty trailing fields (Excel) are fine
                errors.append(f"Zeile {line_no}: {len(cells)} Felder, die Kopfzeile hat {len(header)}")
                continue
            cells = cells[:len(header)]
        row = dict(zip(header, [c.strip() for c in cells] + [""] * (len(header) - len(cells)), strict=True))
        number = row["Stadtteil"].split(" ", 1)[0]
        number = number.zfill(2) if digits(number) else number
        if number not in districts:
            errors.append(f"Zeile {line_no}, Spalte „Stadtteil“: „{row['Stadtteil']}“ ist keine "
                          "Stadtteilnummer (01 bis 23)")
        year = parse_year(row["Jahr"])
        if year is None:
            errors.append(f"Zeile {line_no}, Spalte „Jahr“: „{row['Jahr']}“ ist kein Jahr (z. B. 2027 oder "
                          "2027/28)")
        if number in districts and year is not None:
            if (number, year) in seen:
                errors.append(f"Zeile {line_no}: Stadtteil {number}, Jahr {year} steht schon in Zeile "
                              f"{seen[(number, year)]}")
            seen[(number, year)] = line_no
        for column, kind in CSV_COLUMNS.items():
            if column not in row:
                continue
            cell = row[column].replace(".", "").replace("\u202f", "").replace(" ", "")
            if cell == "":
                continue
            if not digits(cell):
                errors.append(f"Zeile {line_no}, Spalte „{column}“: „{row[column]}“ ist keine ganze Zahl "
                              "ab 0")
                continue
            if number in districts and year is not None:
                values.append((number, kind, year, int(cell)))
        if len(errors) >= MAX_ERRORS:
            errors.append("… weitere Fehler nicht geprüft")
            break
    if errors:
        raise PlacesError(errors)
    if not values:
        raise PlacesError(["Die Datei enthält keine Platzzahlen"])
    return values


def import_csv(data: bytes, *, user=None, file_name: str = "") -> ImportResult:
    """All values of the file or none: PlacesError (nothing changed) when any line is wrong."""
    values = parse_csv(data)
    result = ImportResult(rows=len({(d, y) for d, _k, y, _n in values}), values=len(values))
    current = {(p.district_number, p.kind, p.year): p.places
               for p in db.session.scalars(db.select(DistrictPlaces))}
    for district, kind, year, n in values:
        if current.get((district, kind, year)) != n:
            result.changed.append((district, kind, year, current.get((district, kind, year)), n))
        set_places(district, kind, year, n, user=user, source=f"csv:{file_name}" if file_name else "csv")
    db.session.flush()
    return result
