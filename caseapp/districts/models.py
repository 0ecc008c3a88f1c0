"""District: one of the city's numbered Stadtteile, with optional boundary geometry."""
from __future__ import annotations

from sqlalchemy import JSON, CheckConstraint, String
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
    # Places the city has entered per institution type, e.g. {"kita": 420, "grundschule": 900}.
    places: Mapped[dict | None] = mapped_column(JSON, default=None)

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
