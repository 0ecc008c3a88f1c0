"""Office: a city office; users belong to offices, persons are known to offices."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db

OFFICES = {
    "abh": "Ausländerbehörde",
    "soz": "Sozialamt",
    "jug": "Jugendamt",
    "sch": "Schulamt",
    "int": "Büro für Integration",
    "jc": "Jobcenter",
}

user_office = Table(
    "user_office",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("office_code", ForeignKey("office.code", ondelete="CASCADE"), primary_key=True),
)


class Office(db.Model):
    __tablename__ = "office"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    def __str__(self) -> str:
        return self.name
