"""Reading the shelters' old Excel occupancy lists (issue 15 item 6), with the mess real lists have.

Accepted shapes (docs/legacy-import.md): one workbook per shelter or one sheet per shelter; the header
row anywhere in the first 25 rows, found by its words ("Zimmer"/"Zi.", "Name"/"Nachname", "Vorname",
"Geb.-Datum", "Staatsangehörigkeit", "Einzug", "Bemerkung", ...); names in one column ("Hussein, Hassan")
or two; room cells merged over several beds or written once per block; dates as Excel dates, Excel
serial numbers or text in several forms ("12.3.1990", "12.03.90", "1990-03-12", "03/1990", "1990",
"00.00.1990"); "Zi. 1.02" and "1.02" alike; empty rows, free beds ("frei", "-") and remark lines
("1. OG", "Zimmer 2.04 gesperrt") skipped and reported.

This module only reads: every data row becomes a LegacyRow with what could be read and, per field, why
not; mapping rows to persons and rooms is importer.py's job.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from openpyxl import load_workbook

from caseapp.fieldrules import digits
from caseapp.people.birthdate import BirthDate, BirthDateError

HEADER_SCAN_ROWS = 25
MAX_ROWS = 5000  # a shelter list; larger files are not occupancy lists

# normalised header text -> field
HEADERS = {
    "room": ("zimmer", "zi", "zimmernr", "zimmernummer", "zimmer nr", "zi nr", "raum", "raumnr",
             "wohnung/zimmer"),
    "bed": ("bett", "bettnr", "bett nr", "platz", "bettplatz"),
    "full_name": ("name, vorname", "nachname, vorname", "familienname, vorname", "name vorname", "bewohner",
                  "bewohnerin", "bewohner/in", "bewohner*in"),
    "family_name": ("name", "nachname", "familienname", "zuname"),
    "given_names": ("vorname", "vornamen", "rufname"),
    "birth": ("geburtsdatum", "geb", "geb datum", "gebdatum", "geb-datum", "geboren", "geb am", "geburtstag"),
    "sex": ("geschlecht", "m/w", "m/w/d", "sex"),
    "nationality": ("staatsangehorigkeit", "staatsang", "nationalitat", "herkunft", "herkunftsland", "land"),
    "move_in": ("einzug", "einzugsdatum", "eingezogen", "eingezogen am", "belegt seit", "seit", "aufnahme",
                "aufnahmedatum", "einzug am"),
    "remark": ("bemerkung", "bemerkungen", "hinweis", "hinweise", "notiz", "anmerkung", "anmerkungen",
               "info"),
}
FREE_WORDS = {"frei", "leer", "-", "--", "---", "x", "gesperrt", "nicht belegt", "unbelegt", "reserviert"}
SEX_WORDS = {"m": "m", "mannlich": "m", "mann": "m", "w": "w", "weiblich": "w", "frau": "w", "f": "w",
             "d": "d", "divers": "d"}
_ROOM_PREFIX = re.compile(r"^(zimmer|zi|zimmernr|raum|whg|wohnung|nr)\b[.:]?\s*", re.IGNORECASE)
_DATE_TEXT = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$")
_ISO_TEXT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH_TEXT = re.compile(r"^(\d{1,2})[./](\d{4})$")
_YEAR_TEXT = re.compile(r"^(?:ca\.?\s*)?(\d{4})$")


def fold(text: str) -> str:
    """Lower case, umlauts and accents folded, punctuation at the ends and doubled spaces removed."""
    text = str(text).replace("ß", "ss").replace("ẞ", "SS")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[.:\-_/*]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" -_")


_LOOKUP = {fold(alias): name for name, aliases in HEADERS.items() for alias in aliases}


class WorkbookRejected(ValueError):
    """The file as a whole cannot be read as an occupancy list (says why)."""


@dataclass
class LegacyRow:
    sheet: str
    line: int
    room: str | None = None
    bed: str | None = None
    family_name: str | None = None
    given_names: str | None = None
    birth: BirthDate | None = None
    birth_text: str | None = None
    sex: str | None = None
    nationality: str | None = None
    move_in: date | None = None
    remark: str | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return ", ".join(p for p in (self.family_name, self.given_names) if p)

    def raw(self) -> dict:
        """What was read, as JSON for the review table."""
        return {"room": self.room, "bed": self.bed, "family_name": self.family_name,
                "given_names": self.given_names, "birth": self.birth_text, "sex": self.sex,
                "nationality": self.nationality,
                "move_in": self.move_in.isoformat() if self.move_in else None,
                "remark": self.remark}


@dataclass
class Skipped:
    sheet: str
    line: int
    text: str
    why: str


@dataclass
class SheetResult:
    name: str
    title: str | None  # text above the header (often the shelter's name)
    rows: list[LegacyRow]
    skipped: list[Skipped]
    header_line: int | None
    problem: str | None = None  # the sheet could not be read at all


def read_workbook(data: bytes) -> list[SheetResult]:
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise WorkbookRejected("Die Datei ist keine lesbare Excel-Arbeitsmappe (.xlsx): "
                               f"{exc.__class__.__name__}"
                               ) from None
    results = [read_sheet(ws) for ws in wb.worksheets if ws.sheet_state == "visible"]
    if not any(r.rows for r in results):
        found = "; ".join(f"{r.name}: {r.problem}" for r in results if r.problem)
        raise WorkbookRejected("In keinem Tabellenblatt wurde eine Belegungsliste gefunden"
                               + (f" ({found})" if found else ""))
    return results


def _cells(ws) -> list[list[object]]:
    """The sheet's values; a cell merged down over several rows (a room over its beds) gives its value to
    every row of the range. A merge across columns (a banner such as "1. Obergeschoss") stays one cell."""
    last = min(ws.max_row, MAX_ROWS + HEADER_SCAN_ROWS)
    grid = [list(r) for r in ws.iter_rows(max_row=last, values_only=True)]
    for rng in ws.merged_cells.ranges:
        if rng.min_row > len(grid) or rng.min_row == rng.max_row:
            continue
        top = grid[rng.min_row - 1][rng.min_col - 1]
        for r in range(rng.min_row + 1, min(rng.max_row, len(grid)) + 1):
            if rng.min_col - 1 < len(grid[r - 1]):
                grid[r - 1][rng.min_col - 1] = top
    return grid


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _header(grid) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for col, value in enumerate(row):
            name = _LOOKUP.get(fold(_text(value))) if value is not None else None
            if name and name not in found:
                found[name] = col
        names = set(found) & {"family_name", "full_name"}
        if names and len(found) >= 3:
            if "family_name" in found and "given_names" not in found and "full_name" not in found:
                found["full_name"] = found.pop("family_name")  # "Name" alone holds "Name, Vorname"
            return i, found
    return None


def read_sheet(ws) -> SheetResult:
    grid = _cells(ws)
    head = _header(grid)
    if head is None:
        return SheetResult(ws.title, None, [], [], None,
                           "keine Kopfzeile mit Zimmer, Name und Geburtsdatum in den ersten 25 Zeilen")
    h, cols = head
    title = next((_text(v) for row in grid[:h] for v in row if _text(v)), None)
    rows: list[LegacyRow] = []
    skipped: list[Skipped] = []
    last_room: str | None = None
    if len(grid) > MAX_ROWS + HEADER_SCAN_ROWS - 1:
        skipped.append(Skipped(ws.title, MAX_ROWS + HEADER_SCAN_ROWS, "",
                               f"mehr als {MAX_ROWS} Zeilen: der Rest wurde nicht gelesen"))
    for i, values in enumerate(grid[h + 1:], start=h + 2):
        def get(name, _values=values):
            col = cols.get(name)
            return _values[col] if col is not None and col < len(_values) else None

        texts = [_text(v) for v in values if _text(v)]
        if not texts:
            last_room = None  # an empty row ends a block of beds
            continue
        room = _room(get("room"))
        person_cells = [_text(get(n)) for n in ("full_name", "family_name", "given_names")]
        name_text = " ".join(t for t in person_cells if t)
        if not fold(name_text) or fold(name_text) in FREE_WORDS:
            bed_line = bool(room) and len(texts) > 1  # "1.01 | 4 | frei"; a lone "1. OG" is a heading
            if bed_line:
                last_room = room
            why = "freies oder gesperrtes Bett" if bed_line else "Hinweiszeile, keine Person"
            skipped.append(Skipped(ws.title, i, " | ".join(texts), why))
            continue
        if _is_remark_line(texts, get("birth"), room):
            skipped.append(Skipped(ws.title, i, " | ".join(texts), "Hinweiszeile, keine Person"))
            continue
        row = LegacyRow(ws.title, i, bed=_text(get("bed")) or None, remark=_text(get("remark")) or None)
        row.room = room or last_room
        if room:
            last_room = room
        elif row.room:
            row.problems.append(f"Zimmer aus der Zeile darüber übernommen ({row.room})")
        _names(row, get("full_name"), get("family_name"), get("given_names"))
        _birth(row, get("birth"))
        _sex(row, get("sex"))
        row.nationality = _text(get("nationality")) or None
        _move_in(row, get("move_in"))
        rows.append(row)
    return SheetResult(ws.title, title, rows, skipped, h + 1)


def _is_remark_line(texts: list[str], birth, room) -> bool:
    """A line with a single long text and nothing else (a floor heading, a note on a room)."""
    return len(texts) == 1 and birth is None and not room and len(texts[0].split()) >= 3


def _room(value) -> str | None:
    text = _text(value)
    if not text or fold(text) in FREE_WORDS:
        return None
    room = _ROOM_PREFIX.sub("", text).strip()
    # "Zimmer 2.04 gesperrt wegen Wasserschaden" is a remark on a room, not a room name
    return room if room and len(room.split()) <= 2 and len(room) <= 20 else None


def _title(name: str) -> str:
    """HUSSEIN -> Hussein; mixed case stays as written."""
    return " ".join(p.title() if p.isupper() and len(p) > 1 else p for p in name.split())


def _names(row: LegacyRow, full, family, given) -> None:
    family, given, full = _text(family), _text(given), _text(full)
    if family or given:
        row.family_name, row.given_names = _title(family) or None, _title(given) or None
    elif "," in full:
        a, b = full.split(",", 1)
        row.family_name, row.given_names = _title(a.strip()) or None, _title(b.strip()) or None
    else:
        parts = full.split()
        upper = [p for p in parts if p.isupper() and len(p) > 1]
        if len(parts) >= 2 and len(upper) == 1:  # "HUSSEIN Hassan": the capitals are the family name
            row.family_name = _title(upper[0])
            row.given_names = " ".join(p for p in parts if p != upper[0])
        elif len(parts) >= 2:  # "Hussein Hassan": lists are sorted by family name, written first
            row.family_name, row.given_names = parts[0], " ".join(parts[1:])
            row.problems.append("Name ohne Komma: erstes Wort als Nachname gelesen")
        else:
            row.family_name = _title(full) or None
    if not row.family_name:
        row.problems.append("Nachname fehlt")
    if not row.given_names:
        row.problems.append("Vorname fehlt")


def excel_date(value) -> tuple[date | None, str | None]:
    """(the date, None) or (None, why); a year or month alone comes back via birth parsing only."""
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, int | float) and 10000 <= value <= 80000:  # an Excel serial number kept as a number
        return date(1899, 12, 30) + timedelta(days=int(value)), None
    return None, None


def _full_year(yy: int, *, past: bool) -> int:
    this = date.today().year % 100
    return 2000 + yy if (yy <= this or not past) else 1900 + yy


def parse_text_date(text: str, *, birth: bool) -> tuple[int, int, int] | None:
    """(year, month, day) with 0 for unknown parts, or None when the text is no date we know."""
    text = text.strip()
    if m := _DATE_TEXT.match(text):
        d, mo, y = int(m[1]), int(m[2]), m[3]
        year = int(y) if len(y) == 4 else _full_year(int(y), past=True)
        return year, mo, d
    if m := _ISO_TEXT.match(text):
        return int(m[1]), int(m[2]), int(m[3])
    if birth and (m := _MONTH_TEXT.match(text)):
        return int(m[2]), int(m[1]), 0
    if birth and (m := _YEAR_TEXT.match(text)):
        return int(m[1]), 0, 0
    if digits(text) and 10000 <= int(text) <= 80000:  # a serial number typed as text
        d = date(1899, 12, 30) + timedelta(days=int(text))
        return d.year, d.month, d.day
    return None


def _birth(row: LegacyRow, value) -> None:
    if value is None or _text(value) == "":
        row.problems.append("Geburtsdatum fehlt")
        return
    d, _ = excel_date(value)
    row.birth_text = d.strftime("%d.%m.%Y") if d else _text(value)
    if d is not None:
        parts = (d.year, d.month, d.day)
    else:
        parts = parse_text_date(_text(value), birth=True)
    if parts is None:
        row.problems.append(f"Geburtsdatum „{_text(value)}“ nicht lesbar")
        return
    try:
        row.birth = BirthDate.from_parts(*parts)
    except BirthDateError as exc:
        row.problems.append(f"Geburtsdatum „{_text(value)}“: {exc}")
        return
    if row.birth.reference > date.today():
        row.birth = None
        row.problems.append(f"Geburtsdatum „{_text(value)}“ liegt in der Zukunft")


def _sex(row: LegacyRow, value) -> None:
    text = fold(_text(value))
    row.sex = SEX_WORDS.get(text) if text else None
    if text and row.sex is None:
        row.problems.append(f"Geschlecht „{_text(value)}“ nicht lesbar")


def _move_in(row: LegacyRow, value) -> None:
    if value is None or _text(value) == "":
        return
    d, _ = excel_date(value)
    if d is None:
        parts = parse_text_date(_text(value), birth=False)
        if parts and all(parts):
            try:
                d = date(*parts)
            except ValueError:
                d = None
    if d is None:
        row.problems.append(f"Einzugsdatum „{_text(value)}“ nicht lesbar")
    elif d > date.today():
        row.problems.append(f"Einzugsdatum {d:%d.%m.%Y} liegt in der Zukunft")
    else:
        row.move_in = d
