"""Reading a delivered CSV file: encoding detection, lines, header by name, fields per line.

Each physical line is one record (the formats we take have no line breaks inside values), so a
broken quote spoils only its own line instead of swallowing the rest of the file.
"""
from __future__ import annotations

import csv
import re
import unicodedata

from caseapp.sources.registry import FileRejected, RawRecord, ReadFile

BOM = b"\xef\xbb\xbf"
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
    if b"\x00" in data:
        raise FileRejected("Die Datei ist keine Textdatei (enthält Null-Bytes); erwartet wird eine CSV-Datei "
                           "in UTF-8 oder Windows-1252.")
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
            f"0x{data[offset]:02X} in Zeile {line} (Position {offset}). Bitte die Datei in UTF-8 neu exportieren.")


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


def read(data: bytes, *, columns: tuple[str, ...], required: tuple[str, ...], source_label: str) -> ReadFile:
    """Split the file into records with values by (known) column name; FileRejected when unreadable."""
    text, encoding = decode(data)
    lines = text.split("\n")
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
    raw_lines = data.split(b"\n")
    if len(raw_lines) != len(lines):  # cannot happen for UTF-8 / Windows-1252; guards the numbering
        raise FileRejected("Die Zeilen der Datei lassen sich nicht eindeutig trennen.")
    indexes = [i for i in range(1, len(lines)) if lines[i].strip()]
    if not indexes:
        raise FileRejected("Die Datei enthält keine Datensätze (nur die Kopfzeile).")
    return ReadFile(encoding, header, lines, raw_lines, indexes, positions)


def split_record(number: int, line: str, width: int) -> RawRecord:
    """One data line as fields, with the errors of its CSV form (broken quotes, too many fields)."""
    errors: list[tuple[str | None, str]] = []
    try:
        fields = split_line(line)
    except csv.Error:
        fields = []
        errors.append((None, "Die Zeile ist kein gültiger CSV-Datensatz: Anführungszeichen prüfen "
                             "(ein \" innerhalb eines Werts muss verdoppelt werden)."))
    if len(fields) > width and any(f.strip() for f in fields[width:]):
        errors.append((None, f"Die Zeile hat {len(fields)} Felder, die Kopfzeile {width}: ein Semikolon "
                             "innerhalb eines Werts muss in Anführungszeichen stehen."))
    return RawRecord(number, line, fields, errors)
