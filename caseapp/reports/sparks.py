"""Small line charts for the per-district and per-shelter pages, written directly as SVG.

A report has one of these for each of the 23 districts or 30 shelters. A matplotlib chart costs about
0.1 s to build and (hundreds of nodes, dozens of text runs) about 0.06-0.2 s for WeasyPrint to draw;
these have polylines and bands (which WeasyPrint draws almost for free) and only a handful of labels -
every text run costs WeasyPrint 1-2 ms, so the table drawn right above a chart labels its x axis.
Values of None are left out of the line (suppressed or unknown), never drawn as zero.
"""
from __future__ import annotations

import base64
from html import escape

from caseapp.reports.blocks import Chart
from caseapp.reports.typography import number
from caseapp.stats.publish import SUPPRESSED

WIDTH, HEIGHT = 600, 200
TOP, BOTTOM = 8, 16
FONT_SIZE = 10
COLOURS = ("#1f5f8b", "#e07b39", "#4a9a5b", "#7a5ea8")
LEVEL_COLOURS = ("#777777", "#b8405e")


def _scale(top: float):
    span = max(top, 1)

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / span)

    return y


def nice_top(value: float) -> int:
    """The top of a shared scale whose highest drawn value is `value` (see line_chart's `top`)."""
    return _nice_top(value)


def _nice_top(value: float) -> int:
    """The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) at or above value."""
    value = max(value, 4)
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    return int(next(m * magnitude for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * magnitude >= value))


def line_chart(positions: list[float], series: dict[str, list], caption: str, *, bands: dict | None = None,
               levels: dict[str, float] | None = None, x_labels: dict[int, str] | None = None,
               legend: bool = True, show_caption: bool = False, top: float | None = None) -> Chart:
    """positions: x of each value as a share of the width (0..1), e.g. the centres of a table's year
    columns drawn right above the chart, whose header then labels the x axis; series {name: [value or
    None]}; bands {series name: ([low or None], [high or None])} shaded behind it; levels {name: value}
    as dashed lines (beds, a legal limit); x_labels {index: text} under the axis where no table is above."""
    bands, levels = bands or {}, {k: v for k, v in (levels or {}).items() if v is not None}
    drawn = [v for vs in series.values() for v in vs if v is not None]
    drawn += [v for _lo, hi in bands.values() for v in hi if v is not None] + list(levels.values())
    # `top`: a scale shared by small multiples (the districts of one report), so heights compare
    top = _nice_top(max(drawn, default=0) * 1.05) if top is None else _nice_top(max(top, *drawn, 0))
    y = _scale(top)
    xs = [p * WIDTH for p in positions]
    left = min(xs, default=0) - 8
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}"><g font-family="Bericht Sans" font-size="{FONT_SIZE}" '
            'fill="#333">')]
    # Every label is a text run WeasyPrint lays out letter by letter: only the top of the scale is
    # written (the base line is 0), and the series are keyed once in the text around the charts.
    for tick in (0, top):
        ty = y(tick)
        out.append(f'<line x1="{left:.1f}" y1="{ty:.1f}" x2="{WIDTH}" y2="{ty:.1f}" stroke="#ccc"/>')
    out.append(f'<text x="{left - 4:.1f}" y="{y(top) + 3.5:.1f}" text-anchor="end">{number(top)}</text>')
    for index, label in (x_labels or {}).items():
        out.append(f'<text x="{xs[index]:.1f}" y="{HEIGHT - 4}" text-anchor="middle">{escape(label)}</text>')
    names = list(series)
    for name, (lows, highs) in bands.items():
        colour = COLOURS[names.index(name) % len(COLOURS)]
        for run in _band_runs(xs, lows, highs, y):
            out.append(f'<polygon points="{run}" fill="{colour}" fill-opacity="0.2" stroke="none"/>')
    for i, (name, value) in enumerate(levels.items()):
        ly = y(value)
        out.append(f'<line x1="{left:.1f}" y1="{ly:.1f}" x2="{WIDTH}" y2="{ly:.1f}" '
                   f'stroke="{LEVEL_COLOURS[i % 2]}" stroke-width="1.2" stroke-dasharray="6,3"/>')
    for i, (name, values) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        for run in _runs(xs, values, y):
            if " " in run:
                out.append(f'<polyline points="{run}" fill="none" stroke="{colour}" stroke-width="2"/>')
            else:  # a value between two gaps: a dot, or it would not show at all
                cx, cy = run.split(",")
                out.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{colour}"/>')
    if legend:  # the names of the dashed levels at their right end (lines are keyed in the text)
        for name, value in levels.items():
            out.append(
                f'<text x="{WIDTH - 2}" y="{y(value) - 3:.1f}" text-anchor="end">{escape(name)}</text>'
            )
    out.append("</g></svg>")
    svg = "".join(out)
    return Chart("data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"),
                 caption, show_caption=show_caption)


def legend(names: list[str], caption: str, *, band: str | None = None) -> Chart:
    """One key for a set of small multiples: a short line in each series' colour with its name (and the
    shaded band), drawn once above them instead of in each of the 23 charts."""
    height = 22
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}"><g font-family="Bericht Sans" font-size="{FONT_SIZE}" '
            'fill="#333">')]
    x = 4.0
    for i, name in enumerate(names):
        colour = COLOURS[i % len(COLOURS)]
        out.append(f'<line x1="{x:.1f}" y1="11" x2="{x + 24:.1f}" y2="11" stroke="{colour}" '
                   'stroke-width="2"/>')
        out.append(f'<text x="{x + 30:.1f}" y="15">{escape(name)}</text>')
        x += 40 + 7 * len(name)
    if band:
        out.append(f'<rect x="{x:.1f}" y="5" width="24" height="12" fill="{COLOURS[0]}" fill-opacity="0.2"/>')
        out.append(f'<text x="{x + 30:.1f}" y="15">{escape(band)}</text>')
    out.append("</g></svg>")
    svg = "".join(out)
    return Chart("data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"),
                 caption, show_caption=False)


def bar_chart(labels: list[str], values: list, caption: str) -> Chart:
    """One bar per label with its value above it; None (suppressed) is drawn as no bar and '•'.

    The matplotlib bar chart cost about 0.2 s per report here; this one a millisecond and few text runs.
    """
    top = _nice_top(max((v for v in values if v is not None), default=0) * 1.1)
    height = HEIGHT + 14
    y = _scale(top)
    slot = WIDTH / max(len(labels), 1)
    bar = slot * 0.6
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}"><g font-family="Bericht Sans" font-size="{FONT_SIZE}" '
            'fill="#333">'),
           f'<line x1="0" y1="{y(0):.1f}" x2="{WIDTH}" y2="{y(0):.1f}" stroke="#999"/>']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        cx = slot * (i + 0.5)
        if value is None:
            out.append(f'<text x="{cx:.1f}" y="{y(0) - 4:.1f}" text-anchor="middle">{SUPPRESSED}</text>')
        else:
            out.append(f'<rect x="{cx - bar / 2:.1f}" y="{y(value):.1f}" width="{bar:.1f}" '
                       f'height="{y(0) - y(value):.1f}" fill="{COLOURS[0]}"/>')
            out.append(f'<text x="{cx:.1f}" y="{y(value) - 4:.1f}" '
                       f'text-anchor="middle">{number(value)}</text>')
        out.append(f'<text x="{cx:.1f}" y="{height - 4}" text-anchor="middle">{escape(label)}</text>')
    out.append("</g></svg>")
    svg = "".join(out)
    return Chart("data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii"),
                 caption, show_caption=True)


def _band_runs(xs, lows, highs, y) -> list[str]:
    """Closed polygons of the band, broken wherever one of its ends is unknown."""
    out, upper, lower = [], [], []
    for x, lo, hi in zip(xs, lows, highs, strict=True):
        if lo is None or hi is None:
            if upper:
                out.append(" ".join(upper + lower[::-1]))
            upper, lower = [], []
            continue
        upper.append(f"{x:.1f},{y(hi):.1f}")
        lower.append(f"{x:.1f},{y(lo):.1f}")
    if upper:
        out.append(" ".join(upper + lower[::-1]))
    return out


def _runs(xs: list[float], values: list, y) -> list[str]:
    """Polyline point lists, broken wherever a value is None."""
    runs, current = [], []
    for x, v in zip(xs, values, strict=True):
        if v is None:
            if current:
                runs.append(" ".join(current))
            current = []
            continue
        current.append(f"{x:.1f},{y(v):.1f}")
    if current:
        runs.append(" ".join(current))
    return runs
