"""The shared part of every source adapter: an office declares its columns, this class checks them.

A delivery has the identifying core every office sends (key, AZR number, names, birth date, sex,
nationalities, address) and the office's own facts. An adapter module declares both as `Column`s,
names its key, AZR and household columns and its facts table, and registers one `SourceAdapter`;
reading the file, checking each value with `caseapp.fieldrules`, and the record's hash are done here,
the same way for every office. Cross-column rules of one office go into its `check` method.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from caseapp import fieldrules as rules
from caseapp.fieldrules import digits
from caseapp.people.birthdate import BirthDate, BirthDateError
from caseapp.sources import csvfile
from caseapp.sources.registry import Parsed, ReadFile

_DATE_HINT = "erwartet wird ein vollständiges Datum TT.MM.JJJJ."


@dataclass(frozen=True)
class Column:
    """One delivered column: its kind decides the check; `field` names the person field it sets,
    `fact` the column of the office's facts table."""

    name: str
    kind: str  # key azr text birth sex status nationalities postcode district date code int digits
    required: bool = False
    field: str | None = None
    fact: str | None = None
    limit: int = 200
    codes: tuple[str, ...] = ()
    low: int = 0
    high: int = 0


def core(code: str, *, nationality_required: bool = True, azr: bool = True) -> tuple[Column, ...]:
    """The identifying core of office-deliveries.md, in its column order."""
    cols = [Column(f"{code}_id", "key", required=True)]
    if azr:
        cols.append(Column("azr_nr", "azr", field="azr_number"))
    cols += [
        Column("familienname", "text", required=True, field="family_name", limit=200),
        Column("vornamen", "text", required=True, field="given_names", limit=200),
        Column("geburtsdatum", "birth", required=True),
        Column("geschlecht", "sex", required=True, field="sex"),
        Column("staatsangehoerigkeit", "nationalities", required=nationality_required),
        Column("strasse", "text", field="street", limit=200),
        Column("hausnummer", "text", field="house_number", limit=20),
        Column("plz", "postcode", field="postcode"),
        Column("ort", "text", field="city", limit=100),
        Column("stadtteil", "district", field="district_number"),
    ]
    return tuple(cols)


class SourceAdapter:
    """The machinery half of an adapter; a subclass declares code, label and columns."""

    code: str = ""
    label: str = ""
    columns_spec: tuple[Column, ...] = ()
    # The column holding the AZR number (None: the office does not know it) and the one grouping a
    # household within the source (None: it delivers none).
    azr_column: str | None = "azr_nr"
    household_column: str | None = None
    # The SQLAlchemy model of the office's own facts (caseapp.sources.facts.OfficeFactMixin), or None.
    facts_model = None
    file_format = "csv"
    # Whether imports of this source are switched off unless a setting allows them (jc).
    enabled_setting: str | None = None
    # abh-delivery.md rejects a record whose AZR number belongs to another person; for the other
    # offices linkage.md puts such a pair before a person instead (the record becomes a person).
    azr_conflict_rejects = False

    @property
    def key_column(self) -> str:
        return f"{self.code}_id"

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns_spec)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns_spec if c.required)

    @property
    def person_fields(self) -> frozenset[str]:
        """The person fields this source delivers (others it never sets nor clears)."""
        names = {c.field for c in self.columns_spec if c.field}
        kinds = {c.kind for c in self.columns_spec}
        if "birth" in kinds:
            names |= {"birth_date", "birth_precision"}
        if "nationalities" in kinds:
            names |= {"nationality", "nationalities"}
        return frozenset(names)

    def read(self, data: bytes) -> ReadFile:
        return csvfile.read(data, columns=self.columns, required=self.required, source_label=self.label)

    def values_hash(self, values: dict) -> str:
        key = self.key_column  # a property: read once, not per column (a million records per import)
        joined = "\x1f".join(values.get(c) or "" for c in self.columns if c != key)
        return hashlib.md5(joined.encode("utf-8"), usedforsecurity=False).hexdigest()

    def key_of(self, values: dict) -> str | None:
        key = values.get(self.key_column)
        return key if key and rules.SOURCE_KEY.fullmatch(key) else None

    def check(self, fields: dict, facts: dict, values: dict, as_of: date, err) -> None:
        """Rules across columns of one office (override); `err((column, message))` reports one."""

    def parse(self, values: dict, as_of: date) -> tuple[Parsed | None, list[tuple[str | None, str]]]:
        """Person fields and facts of a record, or the errors as (column, German message) pairs."""
        errors: list[tuple[str | None, str]] = []
        err = errors.append
        fields: dict = {}
        facts: dict = {}
        nationalities: list[str] = []
        for col in self.columns_spec:
            value = values.get(col.name)
            if value is None:
                if col.required:
                    err((col.name, f"Pflichtfeld '{col.name}' ist leer; bitte im Fachverfahren nachtragen."))
                if col.field:
                    fields[col.field] = None
                if col.fact:
                    facts[col.fact] = None
                continue
            parsed = self._value(col, value, as_of, err, fields, nationalities)
            if col.field:
                fields[col.field] = parsed
            if col.fact:
                facts[col.fact] = parsed
        if "nationalities" in {c.kind for c in self.columns_spec}:
            fields["nationality"] = nationalities[0] if nationalities else None
        self.check(fields, facts, values, as_of, err)
        if errors:
            return None, errors
        household = values.get(self.household_column) if self.household_column else None
        return Parsed(key=values.get(self.key_column), fields=fields, nationalities=nationalities,
                      household_key=household, facts=facts), []

    def _value(self, col: Column, value: str, as_of: date, err, fields: dict, nationalities: list[str]):
        name, kind = col.name, col.kind
        problem = None
        if kind == "key":
            problem = rules.key_error(value, name)
        elif kind == "azr":
            problem = rules.azr_error(value)
        elif kind == "text":
            problem = rules.text_error(value, col.limit)
        elif kind == "sex":
            problem = rules.sex_error(value)
        elif kind == "status":
            problem = rules.residence_status_error(value)
        elif kind == "postcode":
            problem = rules.postcode_error(value)
        elif kind == "district":
            problem = rules.district_error(value)
        elif kind == "code":
            problem = rules.code_error(value, col.codes, name)
        elif kind == "birth":
            self._birth(value, as_of, err, fields)
            return None
        elif kind == "nationalities":
            self._nationalities(value, err, nationalities)
            return None
        elif kind == "date":
            try:
                return rules.parse_german_date(value)
            except ValueError as exc:
                err((name, f"{exc}; {_DATE_HINT}"))
                return None
        elif kind in ("int", "digits"):
            return self._number(col, value, err)
        if problem:
            err((name, problem))
            return None
        return value

    @staticmethod
    def _number(col: Column, value: str, err):
        if kind_ok := digits(value):
            if col.kind == "int":
                kind_ok = col.low <= int(value) <= col.high
            else:
                kind_ok = col.low <= len(value) <= col.high
        if kind_ok:
            return int(value) if col.kind == "int" else value
        what = (f"eine ganze Zahl von {col.low} bis {col.high}" if col.kind == "int"
                else f"{col.low} bis {col.high} Ziffern 0-9")
        err((col.name, f"'{value}' ist kein gültiger Wert für {col.name}: erwartet wird {what}."))
        return None

    @staticmethod
    def _birth(birth: str, as_of: date, err, fields: dict) -> None:
        fields["birth_date"] = fields["birth_precision"] = None
        try:
            if not rules.GERMAN_DATE.fullmatch(birth):
                raise BirthDateError(f"'{birth}' ist kein Datum der Form TT.MM.JJJJ")
            b = BirthDate.parse_german(birth)
        except BirthDateError as exc:
            err(("geburtsdatum", (f"{exc}. Unbekannter Tag oder Monat wird als 00 geliefert, "
                                 "z. B. 00.05.1990 oder 00.00.1990.")))
            return
        earliest = {"day": b.reference, "month": b.reference.replace(day=1),
                    "year": date(b.reference.year, 1, 1)}[b.precision]
        if earliest > as_of:
            err(("geburtsdatum", f"Das Geburtsdatum {birth} liegt nach dem Stichtag {rules.german(as_of)}."))
        fields["birth_date"], fields["birth_precision"] = b.reference, b.precision

    @staticmethod
    def _nationalities(raw: str, err, nationalities: list[str]) -> None:
        for code in (c.strip() for c in raw.split(",")):
            if not code:
                err(("staatsangehoerigkeit", (f"'{raw}' enthält einen leeren Eintrag; mehrere "
                                             "Staatsangehörigkeiten durch Komma trennen, z. B. SYR,TUR.")))
            elif problem := rules.nationality_error(code):
                err(("staatsangehoerigkeit", problem))
            elif code not in nationalities:
                nationalities.append(code)
