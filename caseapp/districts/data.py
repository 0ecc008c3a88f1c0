"""Reads the shipped list of districts; used by the seed migration and the demo."""
from __future__ import annotations

import csv
from importlib import resources


def district_rows() -> list[dict[str, str]]:
    with resources.files("caseapp.districts").joinpath("districts.csv").open(encoding="utf-8") as fh:
        return [{"number": r["number"], "name": r["name"]} for r in csv.DictReader(fh, delimiter=";")]
