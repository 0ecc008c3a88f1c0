"""Birth dates that may be partly unknown ("00.00.1990"), kept with their precision.

A partial date is stored as a reference date plus its precision, so age queries stay plain date
arithmetic: an unknown day becomes the 15th of the month, an unknown month 1 July of the year (the
middle of the interval the person was born in, which misplaces the fewest people near an age-group
boundary). The original form is reproduced from the precision.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

DAY, MONTH, YEAR = "day", "month", "year"
PRECISIONS = (DAY, MONTH, YEAR)
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_GERMAN = re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{4})")


class BirthDateError(ValueError):
    pass


@dataclass(frozen=True)
class BirthDate:
    reference: date
    precision: str

    @classmethod
    def from_parts(cls, year: int, month: int, day: int) -> BirthDate:
        if not 1850 <= year <= 2200:
            raise BirthDateError(f"Geburtsjahr {year} ist nicht plausibel")
        if month == 0:
            if day != 0:
                raise BirthDateError("Ein Tag ohne Monat ist nicht zulässig (00 für Tag und Monat verwenden)")
            return cls(date(year, 7, 1), YEAR)
        if not 1 <= month <= 12:
            raise BirthDateError(f"Monat {month:02d} gibt es nicht")
        if day == 0:
            return cls(date(year, month, 15), MONTH)
        try:
            return cls(date(year, month, day), DAY)
        except ValueError:
            raise BirthDateError(f"Den Tag {day:02d}.{month:02d}.{year} gibt es nicht") from None

    @classmethod
    def parse_iso(cls, text: str) -> BirthDate:
        """'1990-00-00', '1990-05-00' or '1990-05-17' (the API's form)."""
        m = _ISO.fullmatch(text or "")
        if not m:
            raise BirthDateError(f"'{text}' ist kein Datum der Form JJJJ-MM-TT (00 für Unbekanntes)")
        return cls.from_parts(int(m[1]), int(m[2]), int(m[3]))

    @classmethod
    def parse_german(cls, text: str) -> BirthDate:
        """'00.00.1990', '00.05.1990' or '17.05.1990' (the delivery form)."""
        m = _GERMAN.fullmatch(text or "")
        if not m:
            raise BirthDateError(f"'{text}' ist kein Datum der Form TT.MM.JJJJ (00 für Unbekanntes)")
        return cls.from_parts(int(m[3]), int(m[2]), int(m[1]))

    @property
    def iso(self) -> str:
        r = self.reference
        if self.precision == YEAR:
            return f"{r.year:04d}-00-00"
        if self.precision == MONTH:
            return f"{r.year:04d}-{r.month:02d}-00"
        return r.isoformat()

    @property
    def german(self) -> str:
        y, m, d = self.iso.split("-")
        return f"{d}.{m}.{y}"

    def age_on(self, day: date) -> int:
        r = self.reference
        return day.year - r.year - ((day.month, day.day) < (r.month, r.day))
