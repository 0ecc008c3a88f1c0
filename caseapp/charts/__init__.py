"""One chart module for the dashboard and the PDF reports: matplotlib figures as deterministic SVG."""
from caseapp.charts.basic import bar_chart, line_chart, pyramid, stacked_bar
from caseapp.charts.districtmap import SCHEMATIC_LABEL_DE, district_map

__all__ = ["SCHEMATIC_LABEL_DE", "bar_chart", "district_map", "line_chart", "pyramid", "stacked_bar"]
