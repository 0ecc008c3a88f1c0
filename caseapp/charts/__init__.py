"""One chart module for the dashboard and the PDF reports: matplotlib figures as deterministic SVG.

The chart functions are imported on first use (matplotlib costs about a second at every process start);
`caseapp.charts.text` holds the number formatting that tables need without matplotlib.
"""
from __future__ import annotations

import importlib

_WHERE = {"bar_chart": "basic", "line_chart": "basic", "pyramid": "basic", "stacked_bar": "basic",
          "SCHEMATIC_LABEL_DE": "districtmap", "district_map": "districtmap"}

__all__ = ["SCHEMATIC_LABEL_DE", "bar_chart", "district_map", "line_chart", "pyramid", "stacked_bar"]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'caseapp.charts' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"caseapp.charts.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
