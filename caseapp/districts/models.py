"""District: one of the city's numbered Stadtteile, with optional boundary geometry."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db


class District(db.Model):
    __tablename__ = "district"
    __table_args__ = (
        CheckConstraint("number >= '01' AND number <= '23' AND length(number) = 2", name="number"),
    )

    number: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # GeoJSON geometry (Polygon/MultiPolygon, WGS84) once the city supplies official boundaries.
    geometry: Mapped[dict | None] = mapped_column(JSON, default=None)

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


# Kinds of places an analyst enters per district and year (the forecast's group keys) with German labels.
PLACE_KINDS = {
    "krippe": "Krippe (unter 3 Jahren)",
    "kita": "Kindergarten (3 Jahre bis Schuleintritt)",
    "einschulung": "Grundschule, 1. Klassen",
    "grundschule": "Grundschule, alle Klassen",
}


class DistrictPlaces(db.Model):
    """Places of one kind in one district for the Kita and school year that starts on 1 August of `year`,
    entered by an analyst or imported from the school office's list (docs/places-csv.md). A year without
    its own entry takes the latest earlier one."""

    __tablename__ = "district_places"
    __table_args__ = (
        UniqueConstraint("district_number", "kind", "year"),
        CheckConstraint("kind IN ('krippe', 'kita', 'einschulung', 'grundschule')", name="kind"),
        CheckConstraint("places >= 0", name="places_not_negative"),
        CheckConstraint("year >= 2000 AND year <= 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_number: Mapped[str] = mapped_column(String(2), ForeignKey("district.number"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    places: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(120), default="eingabe")  # "eingabe" or "csv:<file name>"
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                      default=None)
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), onupdate=func.now())
