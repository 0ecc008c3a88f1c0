"""List filters of the person views: district, age group, nationality, status, state, shelter, office."""
from __future__ import annotations

import time
from datetime import date

from flask import has_request_context
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, exists, select
from sqlalchemy.orm import Session as OrmSession

from caseapp.admin.i18n import code_options, language
from caseapp.extensions import db
from caseapp.fieldrules import digits
from caseapp.offices.models import OFFICES
from caseapp.people.codes import RESIDENCE_STATUSES, nationality_names
from caseapp.people.models import Person, PersonOffice
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.workflows.states import PersonState


class DynamicOptionsFilter(BaseSQLAFilter):
    """A filter whose choices come from the database; read again on every request (see refresh below)."""

    dynamic_options = True

    def get_options(self, view):
        # Flask-Admin asks once at start-up, outside any request: the real choices come per request.
        if not has_request_context():
            return None
        return self.load_options()

    def load_options(self) -> list:
        raise NotImplementedError

    def clean(self, value):
        return int(value)

    def validate(self, value) -> bool:
        return digits(str(value))


class AgeGroupFilter(BaseSQLAFilter):
    """Age on today's date within a group like '6-9' or '65+' (partial birth dates use their reference)."""

    def apply(self, query, value, alias=None):
        low, high = _age_bounds(value)
        today = date.today()
        query = query.filter(Person.birth_date <= _years_before(today, low))
        if high is not None:
            query = query.filter(Person.birth_date > _years_before(today, high + 1))
        return query

    def validate(self, value) -> bool:
        try:
            _age_bounds(value)
        except ValueError:
            return False
        return True

    def operation(self):
        return _l("equals")


def _age_bounds(value: str) -> tuple[int, int | None]:
    """'6-9' -> (6, 9), '65+' -> (65, None); ValueError for anything else, also ages past 150."""
    if value.endswith("+"):
        low, high = int(value[:-1]), None
    else:
        first, second = value.split("-")
        low, high = int(first), int(second)
    if not 0 <= low <= (150 if high is None else high) <= 150:
        raise ValueError(value)
    return low, high


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class ShelterFilter(DynamicOptionsFilter):
    def apply(self, query, value, alias=None):
        current = (
            select(Stay.id).join(Room, Room.id == Stay.room_id)
            .where(Stay.person_id == Person.id, Stay.end_date.is_(None), Room.shelter_id == value)
        )
        return query.filter(current.exists())

    def operation(self):
        return _l("equals")

    def load_options(self):
        return shelter_choices()


class OfficeFilter(BaseSQLAFilter):
    def apply(self, query, value, alias=None):
        return query.filter(exists().where(PersonOffice.person_id == Person.id,
                                           PersonOffice.office_code == value))

    def operation(self):
        return _l("equals")


def _district_options():
    from caseapp.admin.people_detail import district_names

    return [(number, f"{number} {name}") for number, name in sorted(district_names().items())]


class DistrictFilter(DynamicOptionsFilter):
    def clean(self, value):
        return value

    def validate(self, value) -> bool:
        return len(value) == 2 and digits(value)

    def apply(self, query, value, alias=None):
        return query.filter(Person.district_number == value)

    def operation(self):
        return _l("equals")

    def load_options(self):
        return _district_options()


_SHELTER_CHOICES: dict = {}
SHELTER_CHOICES_TTL = 30.0  # seconds; other worker processes see a new or renamed shelter by then


def shelter_choices() -> list[tuple[str, str]]:
    """(id, name) of every shelter for the filter, read at most every 30 s per process.

    Every person list page shows these choices; a shelter written in this process clears them at once
    (forget_shelter_choices, on every ORM flush).
    """
    bind = db.session.get_bind()
    now, key = time.monotonic(), str(getattr(bind, "engine", bind).url)
    at, cached = _SHELTER_CHOICES.get(key, (0.0, None))
    if cached is None or now - at > SHELTER_CHOICES_TTL:
        cached = [(str(i), name) for i, name in db.session.execute(select(Shelter.id, Shelter.name)
                                                                   .order_by(Shelter.name))]
        _SHELTER_CHOICES[key] = (now, cached)
    return cached


@event.listens_for(OrmSession, "before_flush")
def forget_shelter_choices(session, flush_context, instances) -> None:
    if any(isinstance(o, Shelter) for o in (*session.new, *session.dirty, *session.deleted)):
        _SHELTER_CHOICES.clear()


def full_filters(age_groups: list[str]) -> list:
    """Everything a caseworker may narrow by."""
    german_order = sorted(nationality_names("de").items(), key=lambda kv: kv[1])
    return [
        DistrictFilter(Person.district_number, _l("District")),
        AgeGroupFilter(Person.birth_date, _l("Age group"), options=[(g, g) for g in age_groups]),
        FilterEqual(Person.nationality, _l("Nationality"),
                    options=code_options("nationality", [code for code, _ in german_order])),
        FilterEqual(Person.residence_status, _l("Residence status"),
                    options=code_options("residence_status", RESIDENCE_STATUSES)),
        FilterEqual(Person.state, _l("State"), options=code_options("state", [s.value for s in PersonState])),
        ShelterFilter(Person.id, _l("Shelter")),
        OfficeFilter(Person.id, _l("Office"), options=list(OFFICES.items())),
    ]


def allocation_filters() -> list:
    """What a shelter manager may narrow by: nothing beyond the allocation fields."""
    return [
        FilterEqual(Person.state, _l("State"), options=code_options("state", [s.value for s in PersonState])),
        ShelterFilter(Person.id, _l("Shelter")),
    ]


def filter_groups(view):
    """Like Flask-Admin's cached groups, but choices of database-backed filters are read per request.

    The fixed choices (some 250 nationality names) are turned into text once per language and kept.
    """
    groups = view._filter_groups
    if not groups:
        return None
    cache = view.__dict__.setdefault("_caseapp_filter_groups", {})
    lang = language()
    if lang not in cache:
        cache[lang] = [group.non_lazy() for group in groups.values()]
    result = {}
    for label, items in cache[lang]:
        fresh = []
        for item in items:
            flt = view._filters[item["index"]]
            if getattr(flt, "dynamic_options", False):
                item = {**item, "options": [(k, str(v)) for k, v in flt.get_options(view)]}
            fresh.append(item)
        result[label] = fresh
    return result
