"""On the demo city: the retention run changes no statistic, and no anonymised name is findable anywhere."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import JSON, String, Text, func, literal_column, select, update

from caseapp.people.models import Household, Person, PersonNationality, PersonOffice
from caseapp.privacy.operations import run_retention
from caseapp.privacy.retention import Policy, due_persons
from caseapp.shelters.models import Stay
from caseapp.sources.models import SourceRecord
from caseapp.stats.dims import DIMS
from caseapp.stats.queries import population
from caseapp.workflows.models import Transition
from tests.test_admin_people import csrf_from

TODAY = date.today()


@pytest.fixture()
def city(db, app, tmp_path, monkeypatch):
    from caseapp.demo.operations import create_demo_city

    monkeypatch.setitem(app.config, "CASEAPP_ERASURE_JOURNAL", str(tmp_path / "journal.jsonl"))
    create_demo_city(persons=400, seed=8, today=TODAY, accounts=False)
    # The demo keeps every source record "delivered"; in life the snapshot after a departure no longer
    # lists the person and the importer marks the record missing. Do what that snapshot would do.
    db.session.execute(update(SourceRecord).where(
        SourceRecord.person_id == Person.id, Person.state == "departed", SourceRecord.missing_since.is_(None)
    ).values(missing_since=Person.move_out_date))
    due = due_persons(TODAY, Policy.from_config(app.config))
    assert len(due) >= 3, "the demo city should hold cases whose retention period has ended"
    return due


def _quarter_ends(first: date, last: date) -> list[date]:
    days, year = [], first.year
    while year <= last.year:
        days += [d for d in (date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31))
                 if first <= d <= last]
        year += 1
    return days


def _month_ends(first: date, last: date) -> list[date]:
    days, day = [], date(first.year, first.month, 1)
    while day <= last:
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        days.append(following - timedelta(days=1))
        day = following
    return [d for d in days if first <= d <= last]


def _month(column):
    return func.date_trunc(literal_column("'month'"), column)


def _snapshot(db, quarter_ends, month_ends) -> dict:
    """What retention promises to keep: every count on a quarter's last day (by age too) and on a
    month's last day (every other dimension), transitions and stay movements per month."""
    no_age = tuple(d for d in DIMS if d != "age_group")
    snap = {("all", d): population(d, DIMS) for d in quarter_ends + [TODAY]}
    snap |= {("no_age", d): population(d, no_age) for d in month_ends}
    snap["transitions"] = db.session.execute(select(
        Transition.event, Transition.from_state, Transition.to_state, _month(Transition.occurred_on),
        func.count()
    ).group_by(Transition.event, Transition.from_state, Transition.to_state, _month(Transition.occurred_on))
        .order_by(Transition.event, Transition.from_state, Transition.to_state,
                  _month(Transition.occurred_on))).all()
    snap["stays"] = db.session.execute(select(Stay.room_id, _month(Stay.start_date), _month(Stay.end_date),
                                              func.count()).group_by(
        Stay.room_id, _month(Stay.start_date), _month(Stay.end_date)).order_by(
        Stay.room_id, _month(Stay.start_date), _month(Stay.end_date))).all()
    snap["in_room_at_month_end"] = [db.session.scalar(select(func.count(Stay.id)).where(
        Stay.start_date <= d, (Stay.end_date.is_(None)) | (Stay.end_date > d))) for d in month_ends]
    snap["nationalities"] = db.session.execute(select(PersonNationality.position, PersonNationality.code,
                                                      func.count()).group_by(PersonNationality.position,
                                                      PersonNationality.code).order_by(
        PersonNationality.position, PersonNationality.code)).all()
    snap["offices"] = db.session.execute(select(PersonOffice.office_code, PersonOffice.via,
                                                func.count()).group_by(
        PersonOffice.office_code,
        PersonOffice.via).order_by(PersonOffice.office_code, PersonOffice.via)).all()
    return snap


def test_retention_run_changes_no_statistic(db, city):
    first = db.session.scalar(select(func.min(Transition.occurred_on)))
    quarter_ends = _quarter_ends(first, TODAY)
    month_ends = _month_ends(first, TODAY)
    before = _snapshot(db, quarter_ends, month_ends)
    due = {p.id for p in city}
    households = db.session.execute(select(Person.id, Person.household_id)
                                    .where(Person.household_id.is_not(None))).all()
    whole = {h for h in {h for _p, h in households}
             if all(p in due for p, hh in households if hh == h)}

    assert run_retention(TODAY)["anonymised"] == len(city)

    after = _snapshot(db, quarter_ends, month_ends)
    assert sum(r["count"] for r in before[("all", quarter_ends[-1])]) > 0
    for key in before:
        assert after[key] == before[key], key
    # A household keeps an anonymised member only when all its members were anonymised (item 15).
    now = dict(db.session.execute(select(Person.id, Person.household_id)).all())
    for person_id, household_id in households:
        kept = person_id not in due or household_id in whole
        assert (now[person_id] == household_id) is kept, (person_id, household_id)


def _secrets(db, due) -> set[str]:
    """Names and AZR numbers of the due persons that no remaining person also carries."""
    due_ids = {p.id for p in due}
    values = {v for p in due for v in (p.family_name, p.given_names, p.azr_number) if v}
    kept = db.session.execute(select(Person.family_name, Person.given_names, Person.azr_number)
                              .where(Person.id.not_in(due_ids))).all()
    return values - {v for row in kept for v in row if v}


def _all_text_in_the_database(db) -> str:
    parts = []
    for table in db.metadata.sorted_tables:
        cols = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        if cols:
            for row in db.session.execute(select(*cols)):
                parts += [str(v) for v in row if v is not None]
    return "\n".join(parts)


def _found(secrets, text: str) -> list[str]:
    return sorted(s for s in secrets if re.search(r"(?<!\w)" + re.escape(s) + r"(?!\w)", text))


def _search(client, name: str) -> str:
    html = client.get(f"/admin/person/?search={name}", follow_redirects=True).get_data(as_text=True)
    # The page echoes the search term (search box, paging links): only the result rows count.
    # The search is handed over as a token (names stay out of query strings), the fuzzy notice quotes it.
    return re.sub(r'value="[^"]*"|search=[^&"]*|„[^“]*“', "", html)


def test_no_anonymised_name_is_findable_anywhere(db, app, city, login_as):
    secrets = _secrets(db, city)
    victim = next(p for p in city if p.family_name in secrets)
    name = victim.family_name
    caseworker = login_as("caseworker", offices=("abh", "soz", "jug", "sch", "int"))
    auditor = login_as("auditor", offices=())
    token = csrf_from(auditor.get("/admin/privacy/access/").get_data(as_text=True))
    # Before: the name is there to be found (so the checks below can fail) and the record gets read.
    assert name in caseworker.get(f"/admin/person/details/?id={victim.id}").get_data(as_text=True)
    assert _found(secrets, _all_text_in_the_database(db))
    assert name in _search(caseworker, name)

    run_retention(TODAY)
    db.session.expire_all()

    text = _all_text_in_the_database(db)
    found = _found(secrets, text)
    assert found == [], [line for line in text.splitlines() if any(s in line for s in found)][:5]
    listing = _search(caseworker, name)
    export = caseworker.get("/admin/person/export/csv/").get_data(as_text=True)
    api = caseworker.get(f"/api/v1/persons/{victim.id}",
                         headers={"Authentication-Token": caseworker.auth_token}).get_data(as_text=True)
    audit = auditor.get("/admin/audit/?page_size=500").get_data(as_text=True)
    report = auditor.post(
        "/admin/privacy/access/pdf", data={"person_id": str(victim.id), "csrf_token": token}
    )
    report_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(report.data)).pages)
    for where, text in (("Personenliste", listing), ("Export", export), ("API", api), ("Protokoll", audit),
                        ("Auskunftsbericht", report_text)):
        assert _found(secrets, text) == [], where
    assert "anonymisiert" in report_text
    assert db.session.scalar(select(func.count(Household.id)).where(
        Household.label.contains(name))) == 0
