"""Helpers for the report tests: text and page count of a PDF, read back with pypdf."""
from __future__ import annotations

import io
import re


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # Hyphenation splits words at line ends ("Gemein-\nschaft"); join them for searching.
    text = re.sub(r"[\u2010-]\n", "", text)
    # Narrow and normal no-break spaces ("67 %", "§ 25") read as plain spaces in the assertions.
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def pdf_fonts(data: bytes) -> set[str]:
    """BaseFont names of every font used on any page (subset prefix 'ABCDEF+' removed)."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            names.add(str(ref.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names
