"""`caseapp districts import-geojson FILE`: load the city's official district boundaries for the map."""
from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from caseapp.extensions import db
from caseapp.fieldrules import digits

NUMBER_KEYS = ("number", "nummer", "stadtteil", "stadtteilnummer", "id")


def district_number(properties: dict) -> str | None:
    """The district number from a feature's properties ('7', '07' or 7 -> '07')."""
    for key, value in properties.items():
        if key.lower() in NUMBER_KEYS and value is not None:
            text = str(value).strip()
            if digits(text) and 1 <= int(text) <= 23:
                return f"{int(text):02d}"
    return None


def read_features(path: str) -> dict[str, dict]:
    """number -> geometry; raises click errors with a German message on anything unusable."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"Die Datei ist kein lesbares GeoJSON: {exc}") from None
    if data.get("type") != "FeatureCollection":
        raise click.ClickException("Erwartet wird eine GeoJSON-FeatureCollection")
    out: dict[str, dict] = {}
    for i, feature in enumerate(data.get("features") or [], start=1):
        geometry = feature.get("geometry") or {}
        number = district_number(feature.get("properties") or {})
        if number is None:
            raise click.ClickException(f"Objekt {i}: keine Stadtteilnummer 01-23 in den Eigenschaften "
                                       f"({', '.join(NUMBER_KEYS)})")
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise click.ClickException(f"Objekt {i} (Stadtteil {number}): Geometrie muss Polygon oder "
                                       "MultiPolygon sein")
        out[number] = geometry
    return out


@click.group("districts", help="Stadtteile.")
def districts_group():
    pass


@districts_group.command("import-geojson", help="Stores official district boundaries (GeoJSON, WGS84).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_geojson(file: str):
    from caseapp.districts.models import District

    geometries = read_features(file)
    known = {d.number: d for d in db.session.scalars(db.select(District))}
    unknown = sorted(set(geometries) - set(known))
    if unknown:
        raise click.ClickException(f"Unbekannte Stadtteile: {', '.join(unknown)}")
    for number, geometry in geometries.items():
        known[number].geometry = geometry
    db.session.commit()
    missing = sorted(set(known) - set(geometries))
    click.echo(f"{len(geometries)} Stadtteilgrenzen gespeichert."
               + (f" Ohne Grenze: {', '.join(missing)} (die Karte bleibt schematisch, bis alle da sind)."
                  if missing else ""))


commands = [districts_group]
