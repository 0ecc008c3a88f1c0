"""Encoding detection: UTF-8 when the file is UTF-8, else Windows-1252; only a clear mix is rejected."""
from __future__ import annotations

import pytest

from tests.test_sources_support import abh_person, csv_bytes, import_abh, row


# An upper-case letter or ß followed by a byte 0x80-0xBF forms a valid UTF-8 pair, yet is Windows-1252 text.
@pytest.mark.parametrize("column,value", [
    ("vornamen", "JOSÉ\u00a0LUIS"),    # É + no-break space: C9 A0
    ("familienname", "Ö’Neill"),       # Ö + right single quotation mark: D6 92
    ("strasse", "Straß€"),             # ß + euro sign: DF 80
    ("familienname", "BLÅ\u00a0HAV"),     # Å + no-break space: C5 A0, in UTF-8 a Latin letter (Š)
])
def test_windows_1252_with_letter_symbol_pairs_is_read_as_windows_1252(db, column, value):
    data = csv_bytes(
        [row("W-1", **{column: value}), row("W-2", familienname="Müßig-Öztürk")], encoding="cp1252"
    )
    s = import_abh(data)
    assert (s.status, s.created, s.rejected) == ("done", 2, 0), s.message
    assert getattr(abh_person(db, "W-1"), {"vornamen": "given_names", "familienname": "family_name",
                                        "strasse": "street"}[column]) == value
    assert abh_person(db, "W-2").family_name == "Müßig-Öztürk"


def test_windows_1252_file_made_of_all_such_pairs_and_umlauts(db):
    rows = [row(f"P-{n}", vornamen="JOSÉ\u00a0LUIS", familienname="Ö’NEILL") for n in range(5)]
    s = import_abh(csv_bytes(rows, encoding="cp1252", eol="\r\n"))
    assert (s.created, s.rejected) == (5, 0), s.message
    assert (abh_person(db, "P-4").given_names, abh_person(db, "P-4").city) == ("JOSÉ\u00a0LUIS", "Osnabrück")


def test_utf8_file_with_one_stray_windows_1252_byte_is_rejected_naming_the_line(db):
    rows = [row(f"U-{n}", familienname="Müller") for n in range(6)]
    data = csv_bytes(rows).replace(b"U-3;;M\xc3\xbcller", b"U-3;;M\xfcller")
    s = import_abh(data)
    assert s.status == "rejected"
    assert "UTF-8 und Windows-1252 gemischt" in s.message and "Zeile 5" in s.message and "0xFC" in s.message
    assert abh_person(db, "U-0") is None


@pytest.mark.parametrize("byte", [b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"])
def test_bytes_unassigned_in_windows_1252_reject_the_file(db, byte):
    data = csv_bytes([row("N-1"), row("N-2", familienname="Weiß")], encoding="cp1252").replace(
        b"Wei", b"Wei" + byte
    )
    s = import_abh(data)
    assert s.status == "rejected"
    assert "weder UTF-8 noch Windows-1252" in s.message and "nicht belegt" in s.message
    assert f"0x{byte[0]:02X} in Zeile 3" in s.message


def test_lines_are_cut_from_the_files_bytes_as_the_text_would_split():
    """A delivery's lines are not held as a list (memory at a million records): cut when read, the same
    as splitting the decoded text, also for the last line without a line break, CRLF and Windows-1252."""
    from caseapp.sources.csvfile import Lines

    data = "kopf;a\r\nÖzdemir;ß\r\n\r\n\u00a0\nletzte;Zeile".encode("cp1252")
    lines = Lines(data).as_text("cp1252")
    expected = data.decode("cp1252").split("\n")
    assert len(lines) == len(expected)
    assert [lines[i] for i in range(len(lines))] == expected
    assert lines[1:3] == expected[1:3] and lines[-1] == "letzte;Zeile"
    assert Lines(data)[1] == "Özdemir;ß\r".encode("cp1252")
