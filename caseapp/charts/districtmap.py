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
from functools import cache
from importlib import resources

from matplotlib.cm import ScalarMappable
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Circle, Polygon, Wedge

from caseapp.charts.base import SUPPRESSED_DE, cached, new_figure, number_de, rc, to_svg

SCHEMATIC_LABEL_DE = "Schematische Darstellung, keine echten Grenzen"
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
    """Up to six or seven classes of a round width (1, 2 or 5 times a power of ten) from 0 past the maximum."""
    top = max([v for v in values if v is not None] + [1])
    raw = max(top / 6, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    classes = max(math.ceil((top + 1) / step), 1)
    return [i * step for i in range(classes + 1)]


def district_map(values: dict, shelters=(), *, title: str = "", legend_label: str = "Personen",
                 names: dict | None = None, geometries: dict | None = None, width: float = 6.4,
                 height: float = 6.0) -> str:
    """values {"07": 120 or None (suppressed)}; shelters [{"district", "name", "occupied", "capacity"}]."""
    geo_key = json.dumps(geometries, sort_keys=True) if geometries else None
    shelter_key = tuple((s["district"], s["name"], s.get("occupied") or 0, s.get("capacity") or 0)
                        for s in shelters)
    return _map(tuple(sorted(values.items())), shelter_key, title, legend_label,
                tuple(sorted((names or {}).items())), geo_key, width, height)


@cached
def _map(values, shelters, title, legend_label, names, geo_key, width, height) -> str:
    values, names = dict(values), dict(names)
    rings, real = shapes(json.loads(geo_key) if geo_key else None)
    bounds = class_bounds(values.values())
    cmap = ListedColormap(COLOURS)
    norm = BoundaryNorm(bounds, cmap.N)
    with rc():
        fig = new_figure(width, height)
        ax = fig.add_subplot()
        ax.set_aspect("equal")
        ax.axis("off")
        centres = {}
        for number, polys in sorted(rings.items()):
            value = values.get(number)
            colour = NO_VALUE if value is None and number not in values else (
                NO_VALUE if value is None else cmap(norm(min(value, bounds[-1] - 1e-9))))
            for ring in polys:
                ax.add_patch(Polygon(ring, closed=True, facecolor=colour, edgecolor="#555555", linewidth=0.6,
                                     hatch="///" if number in values and value is None else None))
            xs = [p[0] for p in polys[0]]
            ys = [p[1] for p in polys[0]]
            centres[number] = (sum(xs) / len(xs), sum(ys) / len(ys))
            shown = SUPPRESSED_DE if number in values and value is None else number_de(value or 0)
            label = f"{number}\n{shown}"
            if names.get(number) and not real:
                label = f"{number} {names[number][:12]}\n{shown}"
            ax.text(*centres[number], label, ha="center", va="center", fontsize=6.5, color="#111111")
        _draw_shelters(ax, shelters, centres, real)
        ax.autoscale_view()
        fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, orientation="horizontal", shrink=0.6,
                     label=legend_label, format=lambda v, _p: number_de(v))
        caption = ("Amtliche Stadtteilgrenzen" if real else SCHEMATIC_LABEL_DE)
        if shelters:
            caption += " · Kreise: Gemeinschaftsunterkünfte, gefüllt nach Belegung"
        ax.set_title(title or "", loc="left", pad=16)
        ax.text(0, 1.0, caption, transform=ax.transAxes, fontsize=7, color="#444444", va="bottom")
        return to_svg(fig, title or caption)


def _draw_shelters(ax, shelters, centres, real) -> None:
    by_district: dict[str, list] = {}
    for s in shelters:
        by_district.setdefault(s[0], []).append(s)
    for number, items in by_district.items():
        if number not in centres:
            continue
        cx, cy = centres[number]
        span = ax.get_ylim() if real else (0, 1)
        radius = 0.16 if not real else abs(span[1] - span[0]) / 60 or 0.002
        for i, (_d, _name, occupied, capacity) in enumerate(items):
            # A row of circles below the district's label, centred on it.
            ox = cx + (i - (len(items) - 1) / 2) * radius * 2.3
            oy = cy - (0.5 if not real else radius * 3)
            rate = min(occupied / capacity, 1.0) if capacity else 0.0
            ax.add_patch(Circle((ox, oy), radius, facecolor="white", edgecolor="#b8405e", linewidth=0.8))
            if rate > 0:
                ax.add_patch(Wedge((ox, oy), radius, 90 - 360 * rate, 90, facecolor="#b8405e", linewidth=0))
