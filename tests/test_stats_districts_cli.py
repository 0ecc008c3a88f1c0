"""`caseapp districts import-geojson` stores official boundaries; the map then draws them."""
from __future__ import annotations

import json

from caseapp.districts.cli import import_geojson


def square(x):
    return {
        "type": "Polygon",
        "coordinates": [[[x, 52.0], [x + 0.01, 52.0], [x + 0.01, 52.01], [x, 52.01], [x, 52.0]]],
    }


def test_import_stores_geometries_and_refuses_bad_files(app, db, tmp_path):
    from caseapp.districts.models import District

    good = tmp_path / "stadtteile.geojson"
    good.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"Stadtteil": str(n)}, "geometry": square(8 + n / 100)} for n in (1,
                                                                                                            7)
    ]}))
    runner = app.test_cli_runner()
    result = runner.invoke(import_geojson, [str(good)])
    assert result.exit_code == 0, result.output
    assert "2 Stadtteilgrenzen gespeichert" in result.output and "Ohne Grenze: 02" in result.output
    assert db.session.get(District, "07").geometry["type"] == "Polygon"

    bad = tmp_path / "kaputt.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "x"}, "geometry": square(8)}]}))
    result = runner.invoke(import_geojson, [str(bad)])
    assert result.exit_code != 0 and "keine Stadtteilnummer" in result.output
