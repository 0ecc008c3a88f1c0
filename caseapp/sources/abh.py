"""The adapter for the foreigners authority's snapshot (source `abh`), exactly per spec/abh-delivery.md."""
from __future__ import annotations

import hashlib
import re
from datetime import date

from caseapp.people.birthdate import BirthDate, BirthDateError
from caseapp.people.codes import RESIDENCE_STATUSES, SEXES, is_nationality
from caseapp.sources import csvfile
from caseapp.sources.registry import Parsed, ReadFile, register

COLUMNS = ("abh_id", "azr_nr", "familienname", "vornamen", "geburtsdatum", "geschlecht",
           "staatsangehoerigkeit", "aufenthaltsstatus", "rechtsgrundlage", "einreisedatum", "zuzugsdatum",
           "wegzugsdatum", "strasse", "hausnummer", "plz", "ort", "stadtteil", "familien_id")
REQUIRED = ("abh_id", "familienname", "vornamen", "geburtsdatum", "geschlecht", "staatsangehoerigkeit",
            "aufenthaltsstatus")
# Every column but the key, in a fixed order: what the values hash covers.
HASHED = tuple(c for c in COLUMNS if c != "abh_id")

# Formats are matched whole (fullmatch) and with ASCII digits only: `\d` would take Arabic-Indic digits.
_KEY = re.compile(r"[A-Za-z0-9-]{1,32}")
_AZR = re.compile(r"[0-9]{12}")
_PLZ = re.compile(r"[0-9]{5}")
_DATE = re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{4})")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
DISTRICTS = {f"{n:02d}" for n in range(1, 24)}
# Lengths of the contract, or of the database column where the contract sets none (hausnummer, ort);
# tests/test_sources_limits.py keeps them within the columns' lengths. Every one is checked before a
# value reaches the database, so an over-long value is a rejected record, never an aborted run.
TEXT_LIMITS = {"familienname": 200, "vornamen": 200, "rechtsgrundlage": 100, "strasse": 200,
               "hausnummer": 20, "ort": 100, "familien_id": 32}
DATE_FIELDS = {"einreisedatum": "entry_date", "zuzugsdatum": "move_in_date", "wegzugsdatum": "move_out_date"}
TEXT_FIELDS = {"familienname": "family_name", "vornamen": "given_names", "rechtsgrundlage": "legal_basis",
               "strasse": "street", "hausnummer": "house_number", "ort": "city"}


def _german(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def parse_date(text: str) -> date:
    m = _DATE.fullmatch(text)
    if not m:
        raise ValueError(f"'{text}' ist kein Datum der Form TT.MM.JJJJ")
    try:
        return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        raise ValueError(f"Den Tag {text} gibt es nicht") from None


class AbhAdapter:
    code = "abh"
    label = "der Ausländerbehörde"
    key_column = "abh_id"
    columns = COLUMNS
    required = REQUIRED

    def read(self, data: bytes) -> ReadFile:
        return csvfile.read(data, columns=COLUMNS, required=REQUIRED, source_label=self.label)

    def values_hash(self, values: dict) -> str:
        joined = "\x1f".join(values.get(c) or "" for c in HASHED)
        return hashlib.md5(joined.encode("utf-8"), usedforsecurity=False).hexdigest()

    def key_of(self, values: dict) -> str | None:
        key = values.get("abh_id")
        return key if key and _KEY.fullmatch(key) else None

    def parse(self, values: dict, as_of: date) -> tuple[Parsed | None, list[tuple[str | None, str]]]:
        """Person fields of a record, or the errors as (column, German message) pairs."""
        errors: list[tuple[str | None, str]] = []
        fields: dict = {}
        err = errors.append

        for column in REQUIRED:
            if values.get(column) is None:
                err((column, f"Pflichtfeld '{column}' ist leer; bitte im Fachverfahren nachtragen."))
        key = values.get("abh_id")
        if key is not None and not _KEY.fullmatch(key):
            err(("abh_id", f"'{key}' ist keine gültige abh_id: 1 bis 32 Zeichen, nur Buchstaben A-Z, "
                           "Ziffern und Bindestrich."))
        azr = values.get("azr_nr")
        if azr is not None and not _AZR.fullmatch(azr):
            err(("azr_nr", f"'{azr}' ist keine AZR-Nummer: genau 12 Ziffern (siehe Ankunftsnachweis)."))
        fields["azr_number"] = azr

        for column, limit in TEXT_LIMITS.items():
            value = values.get(column)
            if value is not None:
                if len(value) > limit:
                    err((column, (f"Der Wert ist {len(value)} Zeichen lang; erlaubt sind höchstens "
                                  f"{limit}.")))
                elif _CONTROL.search(value):
                    err((column, "Der Wert enthält Steuerzeichen; bitte im Fachverfahren korrigieren."))
            if column in TEXT_FIELDS:
                fields[TEXT_FIELDS[column]] = value

        birth = values.get("geburtsdatum")
        if birth is not None:
            try:
                if not _DATE.fullmatch(birth):
                    raise BirthDateError(f"'{birth}' ist kein Datum der Form TT.MM.JJJJ")
                b = BirthDate.parse_german(birth)
                earliest = {"day": b.reference, "month": b.reference.replace(day=1),
                            "year": date(b.reference.year, 1, 1)}[b.precision]
                if earliest > as_of:
                    err(("geburtsdatum", f"Das Geburtsdatum {birth} liegt nach dem Stichtag {_german(as_of)}."))
                fields["birth_date"], fields["birth_precision"] = b.reference, b.precision
            except BirthDateError as exc:
                err(("geburtsdatum", f"{exc}. Unbekannter Tag oder Monat wird als 00 geliefert, "
                                     "z. B. 00.05.1990 oder 00.00.1990."))

        sex = values.get("geschlecht")
        if sex is not None and sex not in SEXES:
            err(("geschlecht", f"'{sex}' ist kein Geschlechtsschlüssel: erlaubt sind m, w, d, x "
                               "(x = keine Angabe)."))
        fields["sex"] = sex

        nationalities: list[str] = []
        raw_nat = values.get("staatsangehoerigkeit")
        if raw_nat is not None:
            for code in (c.strip() for c in raw_nat.split(",")):
                if not code:
                    err(("staatsangehoerigkeit", f"'{raw_nat}' enthält einen leeren Eintrag; mehrere "
                                                 "Staatsangehörigkeiten durch Komma trennen, z. B. SYR,TUR."))
                elif not is_nationality(code):
                    err(("staatsangehoerigkeit", f"'{code}' ist kein Ländercode nach ISO 3166-1 alpha-3 "
                                                 "(z. B. SYR, XKX für Kosovo, XXA staatenlos, XXX ungeklärt)."))
                elif code not in nationalities:
                    nationalities.append(code)
        fields["nationality"] = nationalities[0] if nationalities else None

        status = values.get("aufenthaltsstatus")
        if status is not None and status not in RESIDENCE_STATUSES:
            err(("aufenthaltsstatus", f"'{status}' ist kein Aufenthaltsstatus; erlaubt sind "
                                      f"{', '.join(RESIDENCE_STATUSES)}."))
        fields["residence_status"] = status

        for column, name in DATE_FIELDS.items():
            value = values.get(column)
            fields[name] = None
            if value is not None:
                try:
                    fields[name] = parse_date(value)
                except ValueError as exc:
                    err((column, f"{exc}; erwartet wird ein vollständiges Datum TT.MM.JJJJ."))
        move_in, move_out = fields["move_in_date"], fields["move_out_date"]
        if move_in and move_out and move_out < move_in:
            err(("wegzugsdatum", f"Das Wegzugsdatum {_german(move_out)} liegt vor dem Zuzugsdatum "
                                 f"{_german(move_in)}."))
        if fields["entry_date"] and fields["entry_date"] > as_of:
            err(("einreisedatum", f"Das Einreisedatum {values['einreisedatum']} liegt nach dem Stichtag "
                                  f"{_german(as_of)}."))

        plz = values.get("plz")
        if plz is not None and not _PLZ.fullmatch(plz):
            err(("plz", f"'{plz}' ist keine Postleitzahl: genau 5 Ziffern."))
        fields["postcode"] = plz
        district = values.get("stadtteil")
        if district is not None and district not in DISTRICTS:
            err(("stadtteil", f"'{district}' ist keine Stadtteilnummer: zweistellig 01 bis 23."))
        fields["district_number"] = district
        family = values.get("familien_id")

        if errors:
            return None, errors
        return Parsed(key=key, fields=fields, nationalities=nationalities, household_key=family), []


register(AbhAdapter())
