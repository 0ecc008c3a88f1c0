"""The building blocks a committee report is made of: sections holding tables, charts, text, "no data"."""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field

_XML_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.DOTALL)
# The charts name DejaVu Sans; the report points that text at the shipped copy of the same font
# ("Bericht Sans", see static/report.css), so no system font is ever embedded.
_CHART_FONT = re.compile(r"""(['"]?)DejaVu Sans\1""")
_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
_ISO_DATE = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?![\w-])")


@dataclass
class Table:
    caption: str
    columns: list[str]
    # first cell a label, the rest figures (int, None, or the suppression marker); a cell may be a tuple
    # of such values, printed as lines of one cell (one cell costs WeasyPrint far less than several)
    rows: list[list]
    total: list | None = None
    note: str | None = None
    compact: bool = False  # smaller type for tables with many columns
    text_columns: int = 1  # leading columns of text (left-aligned, may wrap); the rest are figures
    # Column widths in % of the text width (one of the col.wNN classes in report.css): a fixed table
    # layout, which WeasyPrint sets without first measuring every cell's content (and which a chart
    # drawn below can align its x positions to).
    widths: list[int] | None = None
    kind: str = "table"


@dataclass
class Chart:
    src: str  # a data: URL of the SVG, the only kind of URL besides static files the fetcher serves
    caption: str  # also the image's alternative text
    show_caption: bool = True  # False where the surrounding text already explains a row of like charts
    kind: str = "chart"

    @classmethod
    def from_svg(cls, svg: str, caption: str) -> Chart:
        """Our chart renderer's SVG as an image (an <img>, not inline markup: WeasyPrint then keeps its
        hundreds of nodes out of the page's CSS cascade, which measured about a third faster)."""
        svg = _XML_PROLOGUE.sub("", svg, count=1)
        svg = _TITLE.sub("", _CHART_FONT.sub("'Bericht Sans'", svg))  # the caption carries the title
        svg = _ISO_DATE.sub(r"\3.\2.\1", svg)  # date axes in German form: 30.09.2026
        return cls(
            "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"), caption
        )


@dataclass
class Text:
    text: str
    kind: str = "text"


@dataclass
class Heading:
    text: str
    kind: str = "heading"


@dataclass
class NoData:
    text: str = "Keine Daten für diesen Zeitraum."
    kind: str = "nodata"


@dataclass
class Part:
    """One district's or shelter's part of a PartsTable: a title row, figure rows, a chart below."""

    title: str
    rows: list[list]
    chart: Chart | None = None


@dataclass
class PartsTable:
    """Many like parts (23 districts, 30 shelters) as one table: the column heads are repeated on every
    page, each part is kept on one page, and a part's chart spans the columns, so its x positions can
    sit under the columns. One table with a body per part costs WeasyPrint about a quarter less than
    a heading and a table per part."""

    columns: list[str]
    widths: list[int]  # % of the text width, col.wNN classes in report.css
    parts: list[Part]
    text_columns: int = 1
    kind: str = "parts"


@dataclass
class Section:
    id: str
    title: str
    blocks: list = field(default_factory=list)

    def add(self, *blocks) -> Section:
        self.blocks.extend(blocks)
        return self

    @property
    def has_data(self) -> bool:
        return any(b.kind in ("table", "chart", "parts") for b in self.blocks)
