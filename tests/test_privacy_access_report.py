"""The Art. 15 access report lists every value with its source and delivery, the history and every access."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from caseapp.audit.models import AuditEvent
from caseapp.sources.models import Delivery, FieldProvenance, SourceRecord
from caseapp.workflows.models import Transition
from tests.test_admin_people import csrf_from


def _pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


@pytest.fixture()
def fixture_person(db, factory):
    """A person delivered by abh in two deliveries (the second changed the street), with history and a stay."""
    first = Delivery(source_code="abh", file_name="ABH_20260630.csv", checksum="a" * 64, as_of=date(2026, 6, 30))
    second = Delivery(source_code="abh", file_name="ABH_20260930.csv", checksum="b" * 64, as_of=date(2026, 9, 30))
    db.session.add_all([first, second])
    db.session.flush()
    shelter = factory.shelter(name="GU Natruper Straße", rooms=(("2.04", 4),))
    person = factory.person(family_name="Yılmaz", given_names="Ayşe Nur", office=None, state="accommodated",
                            street="Iburger Straße", azr_number="987654321098")
    from caseapp.people.models import PersonOffice

    person.offices.append(PersonOffice(office_code="abh", via="source"))
    db.session.add(SourceRecord(source_code="abh", key="ABH-00815", person_id=person.id, values_hash="1" * 32,
                                created_delivery_id=first.id, updated_delivery_id=second.id))
    db.session.add(FieldProvenance(person_id=person.id, field="street", source_code="abh", delivery_id=second.id))
    for event, before, after, on in (("arrive", "announced", "arrived", date(2026, 7, 1)),
                                     ("allocate", "arrived", "accommodated", date(2026, 7, 2))):
        db.session.add(Transition(entity="person", entity_id=person.id, event=event, from_state=before,
                                  to_state=after, occurred_on=on, by_label="source:abh"))
    factory.stay(person, shelter.rooms[0], start=date(2026, 7, 2))
    db.session.flush()
    return person


def _token(client) -> str:
    return csrf_from(client.get("/admin/privacy/access/").get_data(as_text=True))


def _download(auditor, person_id, token=None):
    token = token or _token(auditor)
    return auditor.post("/admin/privacy/access/pdf", data={"person_id": str(person_id), "csrf_token": token})


def test_report_lists_values_sources_deliveries_history_stays_and_accesses(db, login_as, fixture_person):
    auditor = login_as("auditor", offices=())
    # The token first: the test app context is shared by all requests, and Flask-WTF caches the token in g.
    token = _token(auditor)
    caseworker = login_as("caseworker", offices=("abh",))
    assert caseworker.get(f"/admin/person/details/?id={fixture_person.id}").status_code == 200

    resp = _download(auditor, fixture_person.id, token)

    assert resp.status_code == 200, resp.get_data(as_text=True)[:2000]
    assert resp.mimetype == "application/pdf"
    text = _pdf_text(resp.data)
    for expected in ("Auskunft nach Art. 15 DSGVO", "Yılmaz", "Ayşe Nur", "987654321098", "Iburger Straße",
                     "Ausländerbehörde (Fachverfahren)", "ABH-00815", "ABH_20260630.csv", "ABH_20260930.csv",
                     "Ankunft", "Zuweisung", "GU Natruper Straße", "2.04", "02.07.2026", "laufend",
                     caseworker.user.email, "angesehen", auditor.user.email, "Auskunftsbericht erstellt"):
        assert expected in text, expected
    # The street came with the second delivery, the name with the first.
    assert re.search(r"Straße Iburger Straße Ausländerbehörde \(Fachverfahren\): Lieferung ABH_20260930", text)
    assert re.search(r"Familienname Yılmaz Ausländerbehörde \(Fachverfahren\): Lieferung ABH_20260630", text)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access_report"))
    assert event.user_id == auditor.user.id and event.object_id == str(fixture_person.id)
    assert "Yılmaz" not in (event.detail or "")


def test_report_on_screen_is_audited_too(db, login_as, fixture_person):
    auditor = login_as("auditor", offices=())
    token = csrf_from(auditor.get("/admin/privacy/access/").get_data(as_text=True))
    resp = auditor.post("/admin/privacy/access/show", data={"person_id": str(fixture_person.id), "csrf_token": token})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Ayşe Nur" in page and "ABH_20260930.csv" in page
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "access_report")) == "format=html"


def test_unknown_person_is_refused_in_german(db, login_as):
    auditor = login_as("auditor", offices=())
    resp = _download(auditor, 99999999)
    assert resp.status_code == 302
    assert "gibt es nicht" in auditor.get(resp.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("role", ["caseworker", "shelter_manager", "analyst", "admin"])
def test_only_auditors_may_produce_the_report(db, login_as, fixture_person, role):
    other = login_as(role, offices=("abh",))
    assert other.get("/admin/privacy/access/").status_code == 403
    # Even with a valid CSRF token from a page the role may open, the POST is refused.
    token = csrf_from(other.get("/admin/").get_data(as_text=True)) if 'name="csrf_token"' in other.get(
        "/admin/").get_data(as_text=True) else ""
    resp = other.post("/admin/privacy/access/pdf", data={"person_id": str(fixture_person.id), "csrf_token": token})
    assert resp.status_code == 403
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access_report")) is None


def test_cli_writes_the_report(db, app, fixture_person, tmp_path):
    out = tmp_path / "auskunft.pdf"
    result = app.test_cli_runner().invoke(args=["privacy", "access-report", str(fixture_person.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "ABH-00815" in _pdf_text(out.read_bytes())
    assert db.session.scalar(select(AuditEvent.channel).where(AuditEvent.action == "access_report")) == "cli"
