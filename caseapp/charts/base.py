"""Shared figure set-up for every chart: one font (DejaVu Sans), German number format, and SVG output
that is byte-for-byte the same for the same input (fixed hash salt, no date in the metadata)."""
from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from caseapp.charts.text import SUPPRESSED_DE, number_de  # noqa: F401 (re-exported)

# The PDF reports embed this family's TTF; browsers fall back to their sans-serif.
FONT_FAMILY = "DejaVu Sans"
PALETTE = ("#1f5f8b", "#e07b39", "#4a9a5b", "#b8405e", "#7a5ea8", "#8c6d46", "#c9a227", "#5aa3b5", "#777777")

RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "font.size": 9,
    "svg.fonttype": "none",  # text stays text: searchable, and rendered in the embedding page's font
    "svg.hashsalt": "caseapp",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "legend.frameon": False,
}


def german_axis(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: number_de(v, 0 if float(v).is_integer() else 1)))


def new_figure(width: float = 6.4, height: float = 3.2) -> Figure:
    with matplotlib.rc_context(RC):
        return Figure(figsize=(width, height), layout="constrained")


def to_svg(fig: Figure, title: str | None = None) -> str:
    """The figure as an SVG document string (no XML prolog, so it can be inlined into HTML)."""
    buf = io.StringIO()
    with matplotlib.rc_context(RC):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Title": title})
    svg = buf.getvalue()
    start = svg.find("<svg")
    svg = svg[start:] if start > 0 else svg
    # Scale down with its column on narrow screens and pages instead of being cut off.
    return svg.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)


def rc():
    """Context manager: the chart style, for code that builds artists."""
    return matplotlib.rc_context(RC)


def cached(func):
    """Memoise a chart on its (hashable) input: the SVG is a pure function of the figures drawn."""
    return lru_cache(maxsize=256)(func)
