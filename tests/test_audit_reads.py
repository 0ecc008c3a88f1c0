"""Every response that shows a person's data writes an audit row (issue 13, item 4).

The crawl of tests/test_security_crawl.py, walked as the roles that may read persons: every URL rule
whose answer shows the seeded person's name or AZR number must have written a read (or export) row
naming that person, in that request. A list page writes one row with the ids it shows and never the
search term; a refused read of another office's person is a 404 with a `read_refused` row and a line in
the security log.
"""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, or_, select

from tests import test_security_crawl as crawl
from tests.test_security_crawl import AZR, FAMILY, _urls

seeded = crawl.seeded  # the crawl's fixture: a person with a distinctive name, household and stay

SHOWING = ("read", "export", "access_report")


def _rows_since(db, last_id, person_id):
    from caseapp.audit.models import AuditEvent

    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.id > last_id, AuditEvent.action.in_(SHOWING),
        or_(AuditEvent.object_id == str(person_id), AuditEvent.detail.like(f"%,{person_id},%")))).all()


def _last_id(db):
    from caseapp.audit.models import AuditEvent

    return db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))


@pytest.mark.parametrize(("role", "offices"), [("caseworker", ("abh",)), ("shelter_manager", ("abh",))])
def test_every_page_showing_a_person_writes_an_audit_row(app, db, login_as, seeded, role, offices):
    c = login_as(role, offices=offices)
    headers = {"Authentication-Token": c.auth_token}
    shown, unaudited = [], []
    for rule, path, query in _urls(app, seeded):
        if "GET" not in rule.methods:
            continue
        before = _last_id(db)
        resp = c.get(path, query_string=query, headers=headers if path.startswith("/api/") else {},
                     follow_redirects=True)
        body = resp.get_data(as_text=True) if resp.mimetype.startswith(("text/", "application/json")) \
            else resp.get_data().decode("latin-1")
        if FAMILY in body or AZR in body:
            shown.append(path)
            if not _rows_since(db, before, seeded["person"]):
                unaudited.append(f"{path} ({resp.status_code})")
    assert shown, "the crawl found no page showing the person: the test would prove nothing"
    assert not unaudited, "shown without an audit row: " + ", ".join(unaudited)
    lists = {"caseworker": "/admin/person/", "shelter_manager": "/admin/resident/"}[role]
    assert lists in shown


def test_a_list_page_writes_one_row_with_the_ids_shown_and_not_the_search_term(app, db, login_as, factory):
    from caseapp.audit.models import AuditEvent

    people = [factory.person(family_name=f"Listenfall{i}", office="abh") for i in range(3)]
    c = login_as("caseworker", offices=("abh",))
    before = _last_id(db)
    resp = c.get("/admin/person/", query_string={"search": "Listenfall"}, follow_redirects=True)
    assert resp.status_code == 200 and "Listenfall1" in resp.get_data(as_text=True)
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.id > before,
                                                       AuditEvent.action == "read")).all()
    assert len(rows) == 1
    detail = rows[0].detail
    assert all(f",{p.id}," in detail for p in people) and "search=given" in detail
    assert "Listenfall" not in detail and "view=list" in detail


def test_the_edit_form_is_an_audited_read(app, db, login_as, factory):
    p = factory.person(family_name="Formfall", office="abh")
    c = login_as("caseworker", offices=("abh",))
    before = _last_id(db)
    assert c.get(f"/admin/person/edit/?id={p.id}").status_code == 200
    rows = _rows_since(db, before, p.id)
    assert len(rows) == 1 and "view=edit" in rows[0].detail


def test_a_refused_read_of_another_offices_person_is_recorded(app, db, login_as, factory, caplog):
    from caseapp.audit.models import AuditEvent

    p = factory.person(family_name="Fremdfall", office="abh")
    other = login_as("caseworker", offices=("soz",))
    security = logging.getLogger("caseapp.security")
    disabled, security.disabled = security.disabled, False  # Alembic's fileConfig disables loggers in tests
    try:
        with caplog.at_level(logging.WARNING, logger="caseapp.security"):
            assert other.get(f"/admin/person/details/?id={p.id}").status_code == 404
            resp = other.get(f"/api/v1/persons/{p.id}", headers={"Authentication-Token": other.auth_token})
            assert resp.status_code == 404
    finally:
        security.disabled = disabled
    refused = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "read_refused",
                                                          AuditEvent.object_id == str(p.id))).all()
    assert {r.channel for r in refused} == {"admin", "api"} and all(
        r.user_id == other.user.id for r in refused
    )
    assert sum("refused read: person" in m for m in caplog.messages) == 2
