"""Follow-ups (Wiedervorlagen) and case notes: set on a person, seen by the office, due on the start page,
audited, erased with the case, listed in the Art. 15 report."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from tests.test_admin_people import csrf_from


def _post(c, person_id, path, data):
    token = csrf_from(c.get(f"/admin/person/details/?id={person_id}").get_data(as_text=True))
    return c.post(f"/admin/person/{path}/{person_id}/", data={**data, "csrf_token": token})


def test_follow_up_and_note_are_seen_by_the_office_and_due_on_the_start_page(login_as, factory, db):
    from caseapp.audit.models import AuditEvent
    from caseapp.casework.models import FollowUp

    person = factory.person(family_name="Wiedervorlage", given_names="Nour", office="abh")
    c = login_as("caseworker", offices=("abh",))
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    resp = _post(c, person.id, "followup", {"due_on": yesterday, "text": "Pass nachreichen"})
    assert resp.status_code == 302
    assert _post(c, person.id, "note", {"text": "Termin beim Sozialamt am Montag"}).status_code == 302
    page = c.get(f"/admin/person/details/?id={person.id}").get_data(as_text=True)
    assert "Pass nachreichen" in page and "Termin beim Sozialamt am Montag" in page
    assert "Ausländerbehörde" in page
    start = c.get("/admin/").get_data(as_text=True)
    panel = start.split('id="start-follow-ups"')[1].split("</div>")[0]
    assert "Wiedervorlage, Nour" in panel and "Pass nachreichen" in panel and "überfällig" in panel
    # A colleague of the office sees them on the person; another office does not (and not the person).
    colleague = login_as("caseworker", offices=("abh",))
    seen = colleague.get(f"/admin/person/details/?id={person.id}").get_data(as_text=True)
    assert "Pass nachreichen" in seen
    assert "Wiedervorlage, Nour" not in colleague.get("/admin/").get_data(as_text=True)  # not theirs
    other = login_as("caseworker", offices=("soz",))
    assert _post_refused(other, person.id)
    kinds = set(db.session.scalars(select(AuditEvent.object_type).where(AuditEvent.action == "create")))
    assert {"follow_up", "case_note"} <= kinds
    item = db.session.scalars(select(FollowUp)).one()
    token = csrf_from(c.get(f"/admin/person/details/?id={person.id}").get_data(as_text=True))
    c.post(f"/admin/person/followup/{person.id}/done/{item.id}/", data={"csrf_token": token})
    db.session.expire_all()
    assert item.done_at is not None
    assert "Pass nachreichen" not in c.get("/admin/").get_data(as_text=True)


def _post_refused(client, person_id) -> bool:
    token = csrf_from(client.get("/admin/person/").get_data(as_text=True))
    resp = client.post(f"/admin/person/note/{person_id}/", data={"text": "fremd", "csrf_token": token})
    return resp.status_code == 404


def test_empty_text_and_missing_date_are_refused_in_german(login_as, factory, db):
    from caseapp.casework.models import FollowUp

    person = factory.person(office="abh")
    c = login_as("caseworker", offices=("abh",))
    resp = _post(c, person.id, "followup", {"due_on": "", "text": "x"})
    assert "Fälligkeitsdatum" in c.get(resp.headers["Location"]).get_data(as_text=True)
    assert db.session.scalars(select(FollowUp)).all() == []


def test_other_roles_cannot_write(login_as, factory):
    person = factory.person(office="abh")
    for role in ("shelter_manager", "analyst", "auditor", "admin"):
        c = login_as(role, offices=())
        token = csrf_from(c.get("/admin/").get_data(as_text=True)) if role != "auditor" else ""
        resp = c.post(f"/admin/person/note/{person.id}/", data={"text": "x", "csrf_token": token})
        assert resp.status_code in (400, 403), role


def test_retention_erases_them_and_the_access_report_lists_them(login_as, factory, db, app):
    from caseapp.casework.models import CaseNote, FollowUp
    from caseapp.casework.operations import add_follow_up, add_note
    from caseapp.privacy.access_report import collect
    from caseapp.privacy.operations import anonymise

    person = factory.person(family_name="Auskunft", office="abh")
    user = factory.user(role="caseworker", offices=("abh",))
    with app.test_request_context():
        add_follow_up(person, by=user, due_on=date(2026, 12, 24), text="Wohnungssuche besprechen")
        add_note(person, by=user, text="Spricht Tigrinya, Dolmetscher nötig")
        report = collect(person, generated_by="test", now=__import__("datetime").datetime(2026, 12, 2, 12))
    section = next(s for s in report["sections"] if s["key"] == "wiedervorlagen")
    assert section["data"]["follow_ups"][0]["text"] == "Wohnungssuche besprechen"
    assert section["data"]["follow_ups"][0]["due"] == "24.12.2026"
    assert section["data"]["notes"][0]["text"] == "Spricht Tigrinya, Dolmetscher nötig"
    anonymise(person, actor="retention", write_journal=False)
    assert db.session.scalars(select(FollowUp)).all() == []
    assert db.session.scalars(select(CaseNote)).all() == []
