"""Shelter, Room and Stay; capacity rules are constraints in the database."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, String, func, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.extensions import db
from caseapp.workflows.states import ShelterState


class Shelter(db.Model):
    __tablename__ = "shelter"
    __table_args__ = (
        CheckConstraint(
            "state IN (" + ", ".join(repr(s.value) for s in ShelterState) + ")", name="state"
        ),
        CheckConstraint("fire_safety_max IS NULL OR fire_safety_max >= 0", name="fire_safety_max"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    street: Mapped[str | None] = mapped_column(String(200))
    house_number: Mapped[str | None] = mapped_column(String(20))
    postcode: Mapped[str | None] = mapped_column(String(5))
    district_number: Mapped[str] = mapped_column(ForeignKey("district.number"), index=True)
    operator: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10), default=ShelterState.planned.value)
    # Maximum number of occupants the fire-safety approval allows (may be below the bed count).
    fire_safety_max: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    district = relationship("District")
    rooms: Mapped[list[Room]] = relationship(
        back_populates="shelter", cascade="all, delete-orphan", order_by="Room.name"
    )

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Shelter {self.id} {self.state}>"


class Room(db.Model):
    __tablename__ = "room"
    __table_args__ = (
        CheckConstraint("beds >= 0", name="beds"),
        CheckConstraint("blocked_beds >= 0 AND blocked_beds <= beds", name="blocked_beds"),
        db.UniqueConstraint("shelter_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shelter_id: Mapped[int] = mapped_column(ForeignKey("shelter.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    beds: Mapped[int]
    blocked_beds: Mapped[int] = mapped_column(default=0)
    accessible: Mapped[bool] = mapped_column(Boolean, default=False)
    family: Mapped[bool] = mapped_column(Boolean, default=False)
    women_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Marked by the shelter manager: adults of different sexes who are not one household may share it.
    mixed: Mapped[bool] = mapped_column(Boolean, default=False)

    shelter: Mapped[Shelter] = relationship(back_populates="rooms")

    def __str__(self) -> str:
        return f"{self.shelter.name} / {self.name}" if self.shelter else self.name


class Stay(db.Model):
    """A person in a room from a date to a date (end_date None = still there; end is exclusive)."""

    __tablename__ = "stay"
    __table_args__ = (
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
        # A person never has two active stays.
        Index("uq_stay_person_active", "person_id", unique=True,
              sqlite_where=text("end_date IS NULL"), postgresql_where=text("end_date IS NULL")),
        Index("ix_stay_room_active", "room_id", "end_date"),
        Index("ix_stay_period", "start_date", "end_date"),
        # Who a shelter manager may see: open stays and those ended in the last 30 days, read from
        # the index alone (people/access.py shelter_scope).
        Index("ix_stay_end_person", "end_date", "person_id"),
        # No two stays of one person overlap in time (PostgreSQL; SQLite uses a trigger, see migration).
        ExcludeConstraint(
            ("person_id", "="),
            (func.daterange(text("start_date"), text("end_date"), text("'[)'")), "&&"),
            using="gist",
            name="stay_no_overlap",
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)

    person = relationship("Person")
    room: Mapped[Room] = relationship()
