"""Person, Household, ordered nationalities and the offices a person is known to."""
from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, SmallInteger, String, func
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from caseapp.extensions import db
from caseapp.people.birthdate import PRECISIONS, BirthDate
from caseapp.people.codes import RESIDENCE_STATUSES, SEXES
from caseapp.workflows.states import PersonState


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Household(db.Model):
    """People allocated together (Familie / Haushalt)."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str | None] = mapped_column(String(100))
    # The office whose member created the household (POST /api/v1/households); None for households
    # that came from a delivery or predate this column. It decides who may attach persons to it
    # before it has members (people/access.py visible_households).
    office_code: Mapped[str | None] = mapped_column(ForeignKey("office.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    # The member who heads the household (Haushaltsvorstand); person and household point at each other.
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL", use_alter=True, name="fk_household_head_id_person"))

    members: Mapped[list[Person]] = relationship(
        back_populates="household", foreign_keys="Person.household_id"
    )
    head: Mapped[Person | None] = relationship(foreign_keys=[head_id], post_update=True)

    def __str__(self) -> str:
        return self.label or f"Haushalt {self.id}"


class Person(db.Model):
    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint(
            "azr_number IS NULL OR (length(azr_number) = 12 AND azr_number NOT GLOB '*[^0-9]*')",
            name="azr_number_sqlite",
        ).ddl_if(dialect="sqlite"),
        CheckConstraint("azr_number IS NULL OR azr_number ~ '^[0-9]{12}$'", name="azr_number").ddl_if(
            dialect="postgresql"
        ),
        CheckConstraint(_in("sex", SEXES), name="sex"),
        CheckConstraint(_in("residence_status", RESIDENCE_STATUSES), name="residence_status"),
        CheckConstraint(_in("state", [s.value for s in PersonState]), name="state"),
        CheckConstraint(_in("birth_precision", PRECISIONS), name="birth_precision"),
        # A partial date is stored at the middle of its interval (see people/birthdate.py).
        CheckConstraint(
            "birth_precision = 'day'"
            " OR (birth_precision = 'month' AND CAST(strftime('%d', birth_date) AS INTEGER) = 15)"
            " OR (birth_precision = 'year' AND strftime('%m-%d', birth_date) = '07-01')",
            name="birth_reference_sqlite",
        ).ddl_if(dialect="sqlite"),
        CheckConstraint(
            "birth_precision = 'day'"
            " OR (birth_precision = 'month' AND EXTRACT(DAY FROM birth_date) = 15)"
            " OR (birth_precision = 'year' AND EXTRACT(MONTH FROM birth_date) = 7"
            " AND EXTRACT(DAY FROM birth_date) = 1)",
            name="birth_reference",
        ).ddl_if(dialect="postgresql"),
        CheckConstraint("postcode IS NULL OR length(postcode) = 5", name="postcode"),
        CheckConstraint("move_out_date IS NULL OR move_in_date IS NULL OR move_out_date >= move_in_date",
                        name="move_dates"),
        Index("ix_person_name", "family_name", "given_names"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    azr_number: Mapped[str | None] = mapped_column(String(12), unique=True)
    family_name: Mapped[str | None] = mapped_column(String(200))
    given_names: Mapped[str | None] = mapped_column(String(200))
    birth_date: Mapped[date] = mapped_column(Date, index=True)
    birth_precision: Mapped[str] = mapped_column(String(5), default="day")
    sex: Mapped[str] = mapped_column(String(1))
    # Primary nationality, denormalised from the ordered list for fast statistics.
    nationality: Mapped[str] = mapped_column(String(3), index=True)
    # Only the foreigners authority knows it: a person known only from other offices has none.
    residence_status: Mapped[str | None] = mapped_column(String(12), index=True)
    legal_basis: Mapped[str | None] = mapped_column(String(100))
    entry_date: Mapped[date | None] = mapped_column(Date)
    move_in_date: Mapped[date | None] = mapped_column(Date)
    move_out_date: Mapped[date | None] = mapped_column(Date)
    street: Mapped[str | None] = mapped_column(String(200))
    house_number: Mapped[str | None] = mapped_column(String(20))
    postcode: Mapped[str | None] = mapped_column(String(5))
    city: Mapped[str | None] = mapped_column(String(100))
    district_number: Mapped[str | None] = mapped_column(ForeignKey("district.number"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id"), index=True)
    state: Mapped[str] = mapped_column(String(12), default=PersonState.announced.value, index=True)
    # Needs relevant to allocation (e.g. "rollstuhl", "schwanger"), comma separated.
    needs: Mapped[str | None] = mapped_column(String(200))
    registered_by_office: Mapped[str | None] = mapped_column(ForeignKey("office.code"))
    # Set for review when the person's source stops delivering them, cleared when it does again.
    flagged_missing_since: Mapped[date | None] = mapped_column(Date)
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), onupdate=func.now())
    # The cell-key method's record key (caseapp/stats/cellkey.py): random 0..255, drawn once, never shown.
    record_key: Mapped[int] = mapped_column(SmallInteger, default=lambda: secrets.randbelow(256))

    # Filled only by queries that ask for it (with_expression): "Shelter / Room" of the current stay,
    # computed in the list query itself instead of a second query per page (admin/people.py).
    current_room: Mapped[str | None] = query_expression()

    household: Mapped[Household | None] = relationship(back_populates="members", foreign_keys=[household_id])
    district = relationship("District")
    nationalities: Mapped[list[PersonNationality]] = relationship(
        order_by="PersonNationality.position", cascade="all, delete-orphan", back_populates="person"
    )
    offices: Mapped[list[PersonOffice]] = relationship(cascade="all, delete-orphan", back_populates="person")

    @property
    def birth(self) -> BirthDate:
        return BirthDate(self.birth_date, self.birth_precision)

    @birth.setter
    def birth(self, value: BirthDate) -> None:
        self.birth_date, self.birth_precision = value.reference, value.precision

    @property
    def nationality_codes(self) -> list[str]:
        return [n.code for n in self.nationalities]

    def set_nationalities(self, codes: list[str]) -> None:
        """Replace the ordered list; the first code is the primary nationality."""
        self.nationalities = [PersonNationality(position=i, code=c) for i, c in enumerate(codes)]
        self.nationality = codes[0]

    @property
    def display_name(self) -> str:
        if self.anonymised_at:
            return f"[anonymisiert #{self.id}]"
        return f"{self.family_name}, {self.given_names}"

    # Never the name: str() and repr() end up in logs, tracebacks and error reports (personal data).
    # Pages that show the name use display_name.
    def __str__(self) -> str:
        return f"Person {self.id}"

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.state}>"


class PersonNationality(db.Model):
    __tablename__ = "person_nationality"
    __table_args__ = (
        CheckConstraint("position >= 0", name="position"),
        CheckConstraint("length(code) = 3 AND upper(code) = code", name="code"),
    )

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(3))

    person: Mapped[Person] = relationship(back_populates="nationalities")


class PersonOffice(db.Model):
    """A person is known to an office: its source delivered them, or a member registered them."""

    __tablename__ = "person_office"
    __table_args__ = (CheckConstraint("via IN ('source', 'registration')", name="via"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("office.code"), primary_key=True, index=True)
    via: Mapped[str] = mapped_column(String(12))
    since: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    person: Mapped[Person] = relationship(back_populates="offices")
