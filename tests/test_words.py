"""Words people read: every page as every role, with data on it, shows no codes, no English, no ISO dates.

Seen in the issue: "This is similar to a commonly used password.", "Aktiv True", "user/report_job",
"via=password", "from=arrived,to=accommodated", "Erfasst von Amt: abh", "(null)" in the forecast,
"2026-W37", ISO dates. The crawler walks every GET route of the app (as test_security_crawl does) for
each role and looks at the text a person reads (tags, scripts and attribute values removed).
"""
from __future__ import annotations

import html as htmllib
import re
from datetime import date

import pytest
from werkzeug.routing import IntegerConverter

ROLES = ("caseworker", "shelter_manager", "admin", "analyst", "auditor", "data_steward")
PATTERNS = {
    "ISO date": re.compile(r"\b(19|20)\d\d-[01]\d-[0-3]\d\b"),
    "ISO week": re.compile(r"\b20\d\d-W\d\d\b"),
    "Python value": re.compile(r"(?<![\w-])(True|False|None)(?![\w-])"),
    "null": re.compile(r"\(null\)|\bnull\b|\bundefined\b"),
    "key=value code": re.compile(r"\b(via|from|to|format|members|channel)=\w"),
    "object code": re.compile(r"\b(user|person|report_job|household|shelter|room|stay)/\w|"
                              r"\b(report_job|sync_run|rejected_record|missing_list|follow_up|case_note)\b"),
    "office code": re.compile(r"(Amt|Ämter|office)\W{0,3}(abh|soz|jug|sch|int)\b"),
    "English": re.compile(r"commonly used password|This is similar|Save and|Cancel\b|Delete\b|"
                          r"\bList\b|\bCreate\b|\bEdit\b|Search\b|Page \d|No items"),
}
SKIP = {"security.logout"}


@pytest.fixture()
def seeded(factory, db):
    from caseapp.sources.models import SyncRun

    household = factory.household(label="Familie Wortprobe")
    shelter = factory.shelter(name="GU Wortprobe", rooms=(("1.01", 4),))
    person = factory.person(family_name="Wortprobe", state="accommodated", household=household,
                            needs="rollstuhl", street="Hasestraße", postcode="49074", city="Osnabrück")
    factory.stay(person, shelter.rooms[0], start=date(2026, 10, 1))
    db.session.add(SyncRun(source_code="abh", as_of=date(2026, 11, 30), status="done", rejected=2))
    db.session.flush()
    return {"person_id": person.id, "shelter_id": shelter.id, "room_id": shelter.rooms[0].id,
            "household_id": household.id, "id": person.id}


def readable_text(body: str) -> str:
    body = re.sub(r"(?is)<(script|style|template|code)\b.*?</\1>", " ", body)  # <code>: technical by intent
    body = re.sub(r"(?is)<div[^>]*class=\"d-none\"[^>]*>.*?</div>", " ", body)
    body = re.sub(r"(?s)<!--.*?-->", " ", body)
    body = re.sub(r"(?s)<[^>]+>", " ", body)
    return " ".join(htmllib.unescape(body).split())


def _pages(app, seeded):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIP or "static" in rule.endpoint or "GET" not in rule.methods:
            continue
        if rule.rule.startswith("/api/") or "export" in rule.rule or "ajax" in rule.rule:
            continue  # machine answers, files
        values = {}
        for arg in rule.arguments:
            if isinstance(rule._converters[arg], IntegerConverter):
                values[arg] = seeded.get(arg, seeded["person_id"])
            else:
                values[arg] = "de" if arg == "code" else "x"
        path = rule.build(values)[1]
        if rule.endpoint.endswith(("details_view", "edit_view")):
            path += f"?id={seeded['id']}"
        yield rule.endpoint, path


def findings(app, client, seeded) -> list[str]:
    found = []
    for endpoint, path in _pages(app, seeded):
        resp = client.get(path)
        if resp.status_code != 200 or not resp.mimetype.startswith("text/html"):
            continue
        text = readable_text(resp.get_data(as_text=True))
        for name, pattern in PATTERNS.items():
            for m in pattern.finditer(text):
                context = text[max(m.start() - 40, 0):m.end() + 40]
                found.append(f"{path} [{endpoint}] {name}: …{context}…")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_codes_english_or_iso_dates_where_people_read(app, login_as, seeded, role):
    client = login_as(role, offices=("abh",) if role == "caseworker" else ())
    found = findings(app, client, seeded)
    assert not found, "\n".join(found[:60])


def test_a_weak_password_is_refused_in_german(app, db):
    from caseapp.auth.operations import UserAdminError, create_user
    from tests.factories import Factory

    admin = Factory(db).user(role="admin", offices=())
    with app.test_request_context(), pytest.raises(UserAdminError) as refused:
        create_user("neu@stadt-osnabrueck.de", "Passwort1234", roles=("caseworker",), by=admin)
    assert "Passwort" in str(refused.value) and "password" not in str(refused.value)
    assert "This is" not in str(refused.value)
