"""Reading a delivered CSV file: encoding detection, records, header by name, fields per record.

Records are read as CSV reads them: a quoted value may hold line breaks, so a record may span
several physical lines; it is numbered by the line it starts on. A quote that is never closed must
not swallow the records after it, so a value is taken across line breaks only when the joined text
is one well-formed record (the quote closes before a separator, no more fields than the header) and
no line inside the value looks like a record of its own (as many separators as a record needs to
reach its last required column), within MAX_RECORD_LINES lines. Otherwise the opening line alone is
the record, rejected with one message about its quotes, and reading goes on with the next line.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from array import array
from collections.abc import Sequence

from caseapp.sources.registry import FileRejected, RawRecord, ReadFile

BOM = b"\xef\xbb\xbf"
# The most physical lines one record may span (a value with more line breaks is no name or address).
MAX_RECORD_LINES = 20
# Bytes that are not part of a valid UTF-8 sequence, after decoding with surrogateescape.
_STRAY = re.compile("[\udc80-\udcff]")
# Characters whose UTF-8 bytes, read as Windows-1252, are never text ("Ã¼", "Â§", "Å›", "È™", "â€™", "â‚¬"):
# Latin letters with diacritics, the Latin-1 symbols and typographic punctuation.
_UTF8_TEXT = re.compile("[\u00a0-\u017f\u0218-\u021b\u2010-\u2044\u20ac]")


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding found: UTF-8 (with or without BOM) or Windows-1252, nothing else.

    A file that decodes strictly as UTF-8 is UTF-8; one with a BOM must be. Otherwise it is read as
    Windows-1252, except in one unambiguous case: a UTF-8 file with stray single bytes (e.g. one
    record typed or pasted in Windows-1252). That file is rejected, since reading it as Windows-1252
    would turn every "ü" of the other records into "Ã¼". It is recognised by its valid UTF-8
    sequences that spell Latin letters, Latin-1 symbols or typographic punctuation (_UTF8_TEXT)
    being at least as many as its stray bytes. A Windows-1252 file whose upper-case letters happen
    to be followed by a byte 0x80-0xBF ("JOSÉ<NBSP>LUIS", "Ö’Neill", "ß€") is read as Windows-1252:
    most such pairs are no Latin text in UTF-8 (U+0260, U+0592, U+07C0), and the few that are
    ("BLÅ<NBSP>" reads as "BLŠ") are outnumbered by the file's lower-case umlauts and ß followed by
    a letter, which are never valid UTF-8.
    The bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D are unassigned in Windows-1252 (Windows maps them to
    invisible control characters); a file containing one is in neither encoding and is rejected.
    """
    if not data.strip():
        raise FileRejected("Die Datei ist leer.")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileRejected("Die Datei ist in UTF-16 kodiert; erwartet wird UTF-8 oder Windows-1252.")
    if _looks_utf16(data):
        raise FileRejected("Die Datei ist keine Textdatei in UTF-8 oder Windows-1252 (viele Null-Bytes, wohl "
                           "UTF-16 ohne Kennung); bitte in UTF-8 neu exportieren.")
    if data.startswith(BOM):
        try:
            return data[len(BOM):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise FileRejected(_neither(data, exc.start + len(BOM), "mit UTF-8-Kennung (BOM)")) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    stray = _stray_in_utf8(data)
    if stray is not None:
        raise FileRejected(_neither(data, stray, "UTF-8 und Windows-1252 gemischt"))
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise FileRejected(_neither(data, exc.start, "in Windows-1252 nicht belegtes Byte")) from None


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 (or another binary form) without a BOM: a NUL in every other byte of the first line.

    A stray NUL inside one record is no such file: the record is rejected with its line and column
    (fieldrules' control-character rule) and the rest is imported."""
    head = data[:4096]
    return head.count(b"\x00") * 4 >= len(head)


def _stray_in_utf8(data: bytes) -> int | None:
    """The offset of the first stray byte when the file is UTF-8 with stray bytes (see decode), else None."""
    text = data.decode("utf-8", "surrogateescape")
    letters = sum(1 for _ in _UTF8_TEXT.finditer(text))
    if not letters:
        return None
    strays = [m.start() for m in _STRAY.finditer(text)]
    if letters < len(strays):
        return None
    # Offset in bytes: the text before the first stray byte re-encoded.
    return len(text[:strays[0]].encode("utf-8", "surrogateescape"))


def _neither(data: bytes, offset: int, why: str) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return (f"Die Kodierung der Datei ist weder UTF-8 noch Windows-1252 ({why}): unlesbares Byte "
            f"0x{data[offset]:02X} in Zeile {line} (Position {offset}). Bitte die Datei in UTF-8 neu "
            "exportieren.")


def normalise(value: str | None) -> str | None:
    """Surrounding spaces removed, Unicode NFC; empty becomes None."""
    if value is None:
        return None
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    value = value.strip()
    return value or None


def split_line(line: str) -> list[str]:
    if '"' not in line:
        return line.split(";")
    return next(csv.reader([line], delimiter=";", quotechar='"', doublequote=True, strict=True))


def _too_many(fields: list[str], width: int) -> bool:
    return len(fields) > width and any(f.strip() for f in fields[width:])


def _record_end(lines: list[str], start: int, width: int, separators: int) -> int:
    """The end (exclusive) of the record whose line `start` leaves a quoted value open (see module doc)."""
    for end in range(start + 2, min(len(lines), start + MAX_RECORD_LINES) + 1):
        line = lines[end - 1]
        if line.count('"') % 2 == 0:
            if line.count(";") >= separators:
                break  # a whole record inside the value: the quote at `start` was never closed
            continue
        try:
            fields = split_line("\n".join(part.rstrip("\r") for part in lines[start:end]))
        except csv.Error:
            break
        swallowed = any(
            part.count(";") >= separators for f in fields if "\n" in f for part in f.split("\n")[1:]
        )
        return start + 1 if swallowed or _too_many(fields, width) else end
    return start + 1


def records(lines: list[str], width: int, separators: int) -> tuple[list[int], dict[int, int]]:
    """The index of the line each record starts on, and the end of every record spanning lines."""
    indexes: list[int] = []
    spans: dict[int, int] = {}
    i, n = 1, len(lines)
    while i < n:
        line = lines[i]
        end = i + 1
        if '"' in line and line.count('"') % 2:
            end = _record_end(lines, i, width, separators)
            if end > i + 1:
                spans[i] = end
        if end > i + 1 or line.strip():
            indexes.append(i)
        i = end
    return indexes, spans


class Lines(Sequence):
    """The file's lines (split at LF, the LF left out) without a copy of each: the file's bytes and where
    each line starts. A million-record delivery held as a list of lines, once as text and once as
    bytes, took about 700 MB beside the file itself (issue 18: at most 1 GB for any import); a line is
    cut out (and decoded, for `as_text`) when a record is read. Slices give lists."""

    def __init__(self, data: bytes, encoding: str | None = None):
        self.data = data
        self.encoding = encoding
        self.starts = array("q", [0])
        self.starts.extend(m.end() for m in re.finditer(b"\n", data))

    def as_text(self, encoding: str) -> Lines:
        lines = Lines.__new__(Lines)
        lines.data, lines.encoding, lines.starts = self.data, encoding, self.starts
        return lines

    def __len__(self) -> int:
        return len(self.starts)

    def _one(self, i: int):
        n = len(self.starts)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        end = self.starts[i + 1] - 1 if i + 1 < n else len(self.data)
        chunk = self.data[self.starts[i]:end]
        return chunk.decode(self.encoding) if self.encoding else chunk

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._one(j) for j in range(*i.indices(len(self)))]
        return self._one(i)


def _filled(raw_lines: Lines, lines: Lines, i: int) -> bool:
    """Line i holds more than white space (as text: a non-breaking space alone is blank too)."""
    raw = raw_lines[i].strip()
    return bool(raw) and (raw.isascii() or bool(lines[i].strip()))


def read(data: bytes, *, columns: tuple[str, ...], required: tuple[str, ...], source_label: str) -> ReadFile:
    """Split the file into records with values by (known) column name; FileRejected when unreadable."""
    text, encoding = decode(data)
    first_break = text.find("\n")
    quoted = first_break >= 0 and text.find('"', first_break + 1) >= 0
    del text  # checked; the lines are cut from the bytes when read
    raw_lines = Lines(data)
    lines = raw_lines.as_text(encoding)
    header_line = lines[0].rstrip("\r")
    try:
        header = [h.strip().lstrip("\ufeff").strip().lower() for h in split_line(header_line)]
    except csv.Error:
        raise FileRejected("Die Kopfzeile (Zeile 1) ist keine gültige CSV-Zeile.") from None
    known = set(columns)
    found = [h for h in header if h in known]
    if not found:
        hint = " (Trennzeichen muss ';' sein)" if len(header) == 1 and "," in header_line else ""
        raise FileRejected(f"Die Datei ist keine Lieferung von {source_label}{hint}: keine der erwarteten "
                           f"Spalten ({', '.join(required)}) in der Kopfzeile gefunden.")
    doubled = sorted({h for h in found if found.count(h) > 1})
    if doubled:
        raise FileRejected(f"Die Spalte {', '.join(doubled)} kommt in der Kopfzeile mehrfach vor.")
    missing = [c for c in required if c not in header]
    if missing:
        names = ", ".join(missing)
        raise FileRejected(f"Pflichtspalte fehlt: {names}. Die Kopfzeile muss alle Pflichtspalten enthalten.")
    positions = [(i, h) for i, h in enumerate(header) if h in known]
    # A record holding every required value has at least this many separators.
    separators = max(1, max(header.index(c) for c in required))
    _LAST_REQUIRED[tuple(header)] = separators
    if quoted:
        indexes, spans = records(lines, len(header), separators)
    else:  # the common file: a record per non-blank line
        indexes, spans = array("q", (i for i in range(1, len(raw_lines)) if _filled(raw_lines, lines, i))), {}
    if not indexes:
        raise FileRejected("Die Datei enthält keine Datensätze (nur die Kopfzeile).")
    return ReadFile(encoding, header, lines, raw_lines, indexes, positions, spans)


def one_record(columns: tuple[str, ...], line: str) -> ReadFile:
    """A file of one record in the given columns (re-processing a corrected record)."""
    lines = [";".join(columns), *line.split("\n")]
    spans = {1: len(lines)} if len(lines) > 2 else {}
    return ReadFile("utf-8", list(columns), lines, [part.encode() for part in lines], [1],
                    list(enumerate(columns)), spans)


def _broken_field(text: str) -> int | None:
    """The position of the field whose quotes break the record (as csv's strict reader sees them)."""
    field, state = 0, "start"
    for c in text:
        if state == "start":
            state = "quoted" if c == '"' else "start" if c == ";" else "plain"
            field += c == ";"
        elif state == "plain":
            if c == ";":
                field, state = field + 1, "start"
        elif state == "quoted":
            if c == '"':
                state = "closed"
        elif c == '"':  # closed: a doubled quote inside the value
            state = "quoted"
        elif c == ";":
            field, state = field + 1, "start"
        else:
            return field  # text after the closing quote
    return field if state == "quoted" else None


# The position of the last required column of the header being read (set by `read`): a record with
# fewer fields lacks a required value, so its line is reported as cut short, not an empty column.
_LAST_REQUIRED: dict[tuple[str, ...], int] = {}


def max_line() -> int:
    from flask import current_app, has_app_context

    return int(current_app.config.get("CASEAPP_SYNC_MAX_LINE") or 10000) if has_app_context() else 10000


def max_required(header: list[str]) -> int:
    return _LAST_REQUIRED.get(tuple(header), len(header))


def split_record(number: int, text: str, header: list[str]) -> RawRecord:
    """One record as fields, with the errors of its CSV form (broken quotes, too many or too few fields,
    over-long line)."""
    width = len(header)
    limit = max_line()
    if len(text) > limit:
        return RawRecord(number, text[:limit], [], [(None, (
            f"Die Zeile ist {len(text)} Zeichen lang; erlaubt sind höchstens {limit} "
            "(CASEAPP_SYNC_MAX_LINE). "
            "Der Datensatz wurde nicht gelesen."))])
    try:
        fields = split_line(text)
    except csv.Error:
        position = _broken_field(text)
        column = header[position] if position is not None and position < width else None
        where = f"in Spalte {column}" if column else "in dieser Zeile"
        # Split naively to keep the values for review; the record's one error says why.
        return RawRecord(number, text, text.split(";"), [(column, (
            f"Anführungszeichen {where} fehlerhaft, der Datensatz ist kein gültiger CSV-Datensatz: ein Wert "
            "in Anführungszeichen muss mit \" enden, direkt vor dem nächsten Semikolon oder dem Zeilenende, "
            "und ein \" innerhalb des Werts muss verdoppelt werden (\"\").")
        )])
    errors: list[tuple[str | None, str]] = []
    if len(fields) < width and len(fields) <= max_required(header):
        errors.append((None, (f"Zeile hat {len(fields)} statt {width} Felder: es fehlen Trennzeichen (;) "
                              "oder "
                             "die Zeile ist abgeschnitten.")))
    elif _too_many(fields, width):
        errors.append((None, (f"Die Zeile hat {len(fields)} Felder, die Kopfzeile {width}: ein Semikolon "
                              "innerhalb eines Werts muss in Anführungszeichen stehen.")))
    return RawRecord(number, text, fields, errors)
