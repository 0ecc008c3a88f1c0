"""Charts are deterministic SVG in DejaVu Sans with German labels; the map says when it is schematic."""
from __future__ import annotations

from caseapp.charts import SCHEMATIC_LABEL_DE, bar_chart, district_map, line_chart, pyramid, stacked_bar


def test_same_input_same_bytes_and_no_date():
    a = bar_chart(["01 Innenstadt", "02 Weststadt"], [1234, None], title="Personen")
    b = bar_chart(["01 Innenstadt", "02 Weststadt"], [1234, None], title="Personen")
    assert a == b and a.startswith("<svg")
    assert "<dc:date>" not in a and "DejaVu Sans" in a
    assert "•" in a  # the suppressed bar is marked


def test_german_number_format_on_axes():
    svg = line_chart(["2026", "2027"], {"Kita": [1500, 2500]}, title="Kinder")
    assert "2.500" in svg or "2.000" in svg


def test_pyramid_and_stacked_render_labels():
    svg = pyramid(["0-2", "3-5"], [10, None], [12, 3])
    assert "männlich" in svg and "weiblich" in svg
    assert "Wohnung" in stacked_bar(["01", "02"], {"Wohnung": [1, 2], "Gemeinschaftsunterkunft": [3, None]})


def test_schematic_map_has_all_districts_and_says_it_is_schematic():
    values = {f"{n:02d}": n * 10 for n in range(1, 24)}
    values["05"] = None
    svg = district_map(values, [{"district": "07", "name": "GU", "occupied": 3, "capacity": 4}])
    assert SCHEMATIC_LABEL_DE in svg
    assert all(f">{n:02d}<" in svg for n in range(1, 24))  # every district is labelled
    assert ">•<" in svg  # the suppressed district shows the mark, not a number


def test_map_uses_real_boundaries_when_all_are_present():
    square = {"type": "Polygon", "coordinates": [[[8.0, 52.0], [8.01, 52.0], [8.01, 52.01], [8.0, 52.01],
                                                  [8.0, 52.0]]]}
    geometries = {f"{n:02d}": square for n in range(1, 24)}
    svg = district_map({"01": 5}, geometries=geometries)
    assert SCHEMATIC_LABEL_DE not in svg and "Amtliche Stadtteilgrenzen" in svg
