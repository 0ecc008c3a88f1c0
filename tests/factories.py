"""Factory helpers that build valid rows with few arguments; every test states only what matters to it."""
from __future__ import annotations

import itertools
from datetime import date

from caseapp.people.birthdate import BirthDate

_seq = itertools.count(1)


class Factory:
    def __init__(self, db):
        self.db = db

    def user(self, role: str | None = "caseworker", offices=("abh",), password="Kaffeetasse-Bruecke-42",
             email: str | None = None):
        from flask_security import hash_password

        from caseapp.auth.setup import user_datastore
        from caseapp.offices.models import Office

        n = next(_seq)
        user = user_datastore.create_user(
            email=email or f"user{n}.{role or 'none'}@stadt-osnabrueck.de",
            password=hash_password(password),
            active=True,
        )
        if role:
            user_datastore.add_role_to_user(user, role)
        for code in offices or ():
            user.offices.append(self.db.session.get(Office, code))
        self.db.session.flush()
        return user

    def household(self, label: str | None = None):
        from caseapp.people.models import Household

        h = Household(label=label or f"Familie {next(_seq)}")
        self.db.session.add(h)
        self.db.session.flush()
        return h

    def person(self, *, family_name="Muster", given_names=None, birth="1990-05-17", sex="m",
               nationalities=("SYR",), residence_status="GESTATTUNG", state="announced",
               district="07", office="abh", azr_number=None, household=None, **fields):
        from caseapp.people.models import Person, PersonOffice

        n = next(_seq)
        p = Person(
            family_name=family_name,
            given_names=given_names or f"Vorname{n}",
            sex=sex,
            residence_status=residence_status,
            state=state,
            district_number=district,
            azr_number=azr_number,
            household=household,
            **fields,
        )
        p.birth = BirthDate.parse_iso(birth) if isinstance(birth, str) else BirthDate(birth, "day")
        p.set_nationalities(list(nationalities))
        if office:
            p.registered_by_office = office
            p.offices.append(PersonOffice(office_code=office, via="registration"))
        self.db.session.add(p)
        self.db.session.flush()
        return p

    def shelter(self, *, name=None, district="07", rooms=(("1.01", 4),), state="open", **fields):
        from caseapp.shelters.models import Room, Shelter

        s = Shelter(
            name=name or f"GU Teststraße {next(_seq)}", district_number=district, state=state, **fields
        )
        for spec in rooms:
            room_name, beds, *rest = spec
            extra = rest[0] if rest else {}
            s.rooms.append(Room(name=room_name, beds=beds, **extra))
        self.db.session.add(s)
        self.db.session.flush()
        return s

    def stay(self, person, room, start=date(2026, 1, 1), end=None):
        from caseapp.shelters.models import Stay

        st = Stay(person_id=person.id, room_id=room.id, start_date=start, end_date=end)
        self.db.session.add(st)
        self.db.session.flush()
        return st


def record_history(person, *steps):
    """Lifecycle steps (event, to_state, day) of a person, starting from `announced`, as Transition rows."""
    from caseapp.workflows.history import record_transition

    state = "announced"
    for event, to_state, day in steps:
        record_transition("person", person.id, event, state, to_state, day, actor="test")
        state = to_state
