"""What a person search means: names in any order or as 'Nachname, Vorname', a birth date, an AZR number, an
id.

Staff search as they read their lists: "Hussein, Hassan", "hassan hussein 12.03.1990", "1.2.1990", an
AZR number (12 digits) or the person number shown on the page. `parse` splits a search into those parts;
every part must hold (AND). The SQL condition of the name parts is built in admin/people_list.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from caseapp.people.birthdate import BirthDate, BirthDateError

_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_AZR = re.compile(r"^\d{12}$")
_ID = re.compile(r"^#?(\d{1,9})$")


@dataclass
class SearchTerms:
    names: list[str] = field(default_factory=list)
    birth: BirthDate | None = None
    azr_number: str | None = None
    person_id: int | None = None
    # A typed date that does not exist ("31.02.1990"): nobody can match it.
    impossible: bool = False

    @property
    def empty(self) -> bool:
        return not (self.names or self.birth or self.azr_number or self.person_id or self.impossible)


def _birth(text: str) -> BirthDate | None:
    m = _DATE.match(text)
    if not m:
        return None
    day, month, year = int(m[1]), int(m[2]), int(m[3])
    return BirthDate.from_parts(year, month, day)


def parse(search: str | None) -> SearchTerms:
    """Split a search into its parts; commas separate like spaces ('Hussein, Hassan' = 'Hussein Hassan')."""
    terms = SearchTerms()
    for part in re.split(r"[\s,;]+", search or ""):
        if not part:
            continue
        if _DATE.match(part):
            try:
                terms.birth = _birth(part)
            except BirthDateError:
                terms.impossible = True
        elif _AZR.match(part):
            terms.azr_number = part
        elif _ID.match(part):
            terms.person_id = int(_ID.match(part)[1])
        else:
            terms.names.append(part)
    return terms

