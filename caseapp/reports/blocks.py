"""The building blocks a committee report is made of: sections holding tables, charts, text, "no data"."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

_XML_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.S)


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list]  # first cell a label, the rest figures (int, None, or the suppression marker)
    total: list | None = None
    note: str | None = None
    kind: str = "table"


@dataclass
class Chart:
    svg: Markup
    caption: str
    kind: str = "chart"

    @classmethod
    def from_svg(cls, svg: str, caption: str) -> "Chart":
        """Inline our own chart renderer's SVG (trusted markup) without its XML prologue."""
        return cls(Markup(_XML_PROLOGUE.sub("", svg, count=1)), caption)


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
class Section:
    id: str
    title: str
    blocks: list = field(default_factory=list)

    def add(self, *blocks) -> "Section":
        self.blocks.extend(blocks)
        return self

    @property
    def has_data(self) -> bool:
        return any(b.kind in ("table", "chart") for b in self.blocks)
