"""The district map: a choropleth of the 23 Stadtteile with shelters drawn by their fill level, as SVG.

Without official boundaries it draws the shipped schematic hexagon layout
(caseapp/districts/schematic.json) and says so on the map ("Schematische Darstellung, keine echten
Grenzen"). Once `caseapp districts import-geojson` has stored a geometry for every district, the same
function draws the real polygons instead. Shelters have no coordinates: they sit around the middle of
their district, a circle filled in proportion to their occupancy.
"""
from __future__ import annotations

import json
import math
from functools import cache, lru_cache
from html import escape
from importlib import resources

from caseapp.charts.text import SUPPRESSED_DE, number_de

FONT_FAMILY = "DejaVu Sans"

SCHEMATIC_LABEL_DE = "Schematische Darstellung, keine echten Grenzen"
# The map's captions (official boundaries, schematic, shelter circles); the admin passes them translated.
CAPTIONS_DE = ("Amtliche Stadtteilgrenzen", SCHEMATIC_LABEL_DE,
               "Kreise: Gemeinschaftsunterkünfte, gefüllt nach Belegung")
COLOURS = ("#eef4fa", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_VALUE = "#f2f2f2"


@cache
def schematic() -> dict:
    with resources.files("caseapp.districts").joinpath("schematic.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def hexagon(col: int, row: int, size: float = 1.0) -> list[tuple[float, float]]:
    """Corners of the pointy-top hexagon in grid cell (col, row); odd rows shifted right by half."""
    w = math.sqrt(3) * size
    cx = w * (col + (0.5 if row % 2 else 0.0))
    cy = -1.5 * size * row
    return [(cx + size * math.cos(math.radians(a)), cy + size * math.sin(math.radians(a)))
            for a in (30, 90, 150, 210, 270, 330)]


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    """Outer rings of a GeoJSON Polygon/MultiPolygon, projected (lon scaled by cos of latitude)."""
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    out = []
    for poly in polys:
        ring = poly[0]
        k = math.cos(math.radians(sum(p[1] for p in ring) / len(ring)))
        out.append([(p[0] * k, p[1]) for p in ring])
    return out


def shapes(geometries: dict | None = None) -> tuple[dict[str, list], bool]:
    """number -> list of rings; True when these are real boundaries (all 23 districts present)."""
    if geometries and len(geometries) >= len(schematic()["cells"]) and all(geometries.values()):
        return {n: _rings(g) for n, g in geometries.items()}, True
    return {n: [hexagon(c, r)] for n, (c, r) in schematic()["cells"].items()}, False


def class_bounds(values) -> list[float]:
    """Up to six or seven classes of a round width (1, 2 or 5 times a power of ten) from 0 past the
    maximum."""
    top = max([v for v in values if v is not None] + [1])
    raw = max(top / 6, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    classes = max(math.ceil((top + 1) / step), 1)
    return [i * step for i in range(classes + 1)]


def district_map(values: dict, shelters=(), *, title: str = "", legend_label: str = "Personen",
                 names: dict | None = None, geometries: dict | None = None, width: float = 6.4,
                 height: float = 6.0, captions: tuple[str, str, str] = CAPTIONS_DE) -> str:
    """values {"07": 120 or None (suppressed)}; shelters [{"district", "name", "occupied", "capacity"}]."""
    geo_key = json.dumps(geometries, sort_keys=True) if geometries else None
    shelter_key = tuple((s["district"], s["name"], s.get("occupied"), s.get("capacity") or 0)
                        for s in shelters)
    return _map(tuple(sorted(values.items())), shelter_key, title, legend_label,
                tuple(sorted((names or {}).items())), geo_key, width, height, tuple(captions))


@lru_cache(maxsize=256)
def _map(values, shelters, title, legend_label, names, geo_key, width, height, captions=CAPTIONS_DE) -> str:
    """The map written directly as SVG: polygons, one label per district, shelter circles, a legend.

    matplotlib took 0.45-0.75 s per map and gave WeasyPrint hundreds of nodes to lay out; the direct
    SVG takes milliseconds and has one text run per line of label (docs/benchmarks.md, reports).
    """
    values, names = dict(values), dict(names)
    rings, real = shapes(json.loads(geo_key) if geo_key else None)
    bounds = class_bounds(values.values())
    w_px, h_px = round(width * 72), round(height * 72)
    head, foot, margin = (34 if title else 20), 46, 8
    xs = [x for polys in rings.values() for ring in polys for x, _ in ring]
    ys = [y for polys in rings.values() for ring in polys for _, y in ring]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    scale = min((w_px - 2 * margin) / span_x, (h_px - head - foot - margin) / span_y)
    off_x = margin + ((w_px - 2 * margin) - span_x * scale) / 2 - min(xs) * scale
    off_y = head + ((h_px - head - foot - margin) - span_y * scale) / 2 + max(ys) * scale

    def pt(x: float, y: float) -> tuple[float, float]:
        return off_x + x * scale, off_y - y * scale  # north up

    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" style="max-width:100%;height:auto" width="{w_px}pt" '
           f'height="{h_px}pt" viewBox="0 0 {w_px} {h_px}" font-family="{FONT_FAMILY}, sans-serif" '
           f'role="img" aria-label="{escape(title or legend_label)}">'),
           ('<defs><pattern id="suppressed" width="4" height="4" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="4" height="4" fill="#f2f2f2"/>'
           '<line x1="0" y1="0" x2="0" y2="4" stroke="#999999" stroke-width="1"/></pattern></defs>')]
    if title:
        out.append(f'<text x="{margin}" y="14" font-size="10" font-weight="bold">{escape(title)}</text>')
    caption = captions[0] if real else captions[1]
    if shelters:
        caption += " · " + captions[2]
    out.append(f'<text x="{margin}" y="{head - 6}" font-size="7" fill="#444444">{escape(caption)}</text>')
    centres, labels = {}, []
    for number, polys in sorted(rings.items()):
        value = values.get(number)
        suppressed = number in values and value is None
        fill = "url(#suppressed)" if suppressed else (NO_VALUE if value is None else _colour(value, bounds))
        for ring in polys:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (pt(*p) for p in ring))
            out.append(f'<polygon points="{points}" fill="{fill}" stroke="#555555" stroke-width="0.6"/>')
        ring = polys[0]
        centres[number] = pt(sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring))
        shown = SUPPRESSED_DE if suppressed else number_de(value or 0)
        first = f"{number} {names[number][:12]}" if names.get(number) and not real else number
        cx, cy = centres[number]
        labels.append(f'<text x="{cx:.1f}" y="{cy - 2:.1f}" font-size="6.5" text-anchor="middle">'
                      f'<tspan>{_label_number(first)}</tspan><tspan x="{cx:.1f}" '
                      f'dy="8">{escape(shown)}</tspan>'
                      '</text>')
    out.extend(labels)
    out.extend(_shelter_marks(shelters, centres, 0.16 * scale if not real else max(3.0, span_y * scale / 60)))
    out.extend(_legend(bounds, legend_label, margin, h_px - foot + 10, w_px))
    out.append("</svg>")
    return "".join(out)


def _label_number(first: str) -> str:
    """'07 Schinkel' -> the number as its own run (so '>07<' is findable), then the name."""
    number, _, name = first.partition(" ")
    return f"{escape(number)}</tspan><tspan> {escape(name)}" if name else escape(number)


def _colour(value: float, bounds: list[float]) -> str:
    for i in range(len(bounds) - 1):
        if value < bounds[i + 1]:
            return COLOURS[min(i, len(COLOURS) - 1)]
    return COLOURS[-1]


def _shelter_marks(shelters, centres, radius: float) -> list[str]:
    by_district: dict[str, list] = {}
    for s in shelters:
        by_district.setdefault(s[0], []).append(s)
    out = []
    for number, items in sorted(by_district.items()):
        if number not in centres:
            continue
        cx, cy = centres[number]
        for i, (_d, name, occupied, capacity) in enumerate(items):
            # A row of circles below the district's label, centred on it.
            ox = cx + (i - (len(items) - 1) / 2) * radius * 2.3
            oy = cy + 9 + radius
            out.append(f'<g><title>{escape(name)}</title><circle cx="{ox:.1f}" cy="{oy:.1f}" '
                       f'r="{radius:.1f}" '
                       'fill="white" stroke="#b8405e" stroke-width="0.8"/>')
            if occupied is None:  # hidden: the marker, never an empty circle that reads as "no one"
                out.append(f'<text class="suppressed" x="{ox:.1f}" y="{oy + radius * 0.45:.1f}" '
                           f'text-anchor="middle" font-size="{radius * 1.6:.1f}">{SUPPRESSED_DE}</text></g>')
                continue
            rate = min(occupied / capacity, 1.0) if capacity else 0.0
            if rate >= 1.0:
                out.append(f'<circle cx="{ox:.1f}" cy="{oy:.1f}" r="{radius:.1f}" fill="#b8405e"/>')
            elif rate > 0:
                # A wedge from twelve o'clock, clockwise, in proportion to the occupancy.
                angle = 2 * math.pi * rate
                ex, ey = ox + radius * math.sin(angle), oy - radius * math.cos(angle)
                large = 1 if rate > 0.5 else 0
                out.append(f'<path d="M{ox:.1f},{oy:.1f} L{ox:.1f},{oy - radius:.1f} '
                           f'A{radius:.1f},{radius:.1f} 0 {large} 1 {ex:.1f},{ey:.1f} Z" fill="#b8405e"/>')
            out.append("</g>")
    return out


def _legend(bounds: list[float], label: str, x: float, y: float, width: float) -> list[str]:
    """The colour classes as a row of boxes with their lower bounds, the legend's title below."""
    classes = len(bounds) - 1
    box = min(48.0, (width - 2 * x) / max(classes, 1))
    left = (width - box * classes) / 2
    out = []
    for i in range(classes):
        out.append(f'<rect x="{left + i * box:.1f}" y="{y:.1f}" width="{box:.1f}" height="8" '
                   f'fill="{COLOURS[min(i, len(COLOURS) - 1)]}" stroke="#555555" stroke-width="0.3"/>')
    for i, bound in enumerate(bounds):
        out.append(f'<text x="{left + i * box:.1f}" y="{y + 18:.1f}" font-size="6.5" text-anchor="middle">'
                   f'{escape(number_de(bound))}</text>')
    out.append(f'<text x="{width / 2:.1f}" y="{y + 30:.1f}" font-size="7.5" text-anchor="middle">'
               f'{escape(label)}</text>')
    return out
