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
    """A person delivered by abh in two deliveries (the second changed the street), with history and a
    stay."""
    first = Delivery(
        source_code="abh", file_name="ABH_20260630.csv", checksum="a" * 64, as_of=date(2026, 6, 30)
    )
    second = Delivery(
        source_code="abh", file_name="ABH_20260930.csv", checksum="b" * 64, as_of=date(2026, 9, 30)
    )
    db.session.add_all([first, second])
    db.session.flush()
    shelter = factory.shelter(name="GU Natruper Straße", rooms=(("2.04", 4),))
    person = factory.person(family_name="Yılmaz", given_names="Ayşe Nur", office=None, state="accommodated",
                            street="Iburger Straße", azr_number="987654321098")
    from caseapp.people.models import PersonOffice

    person.offices.append(PersonOffice(office_code="abh", via="source"))
    db.session.add(SourceRecord(source_code="abh", key="ABH-00815", person_id=person.id, values_hash="1" * 32,
                                created_delivery_id=first.id, updated_delivery_id=second.id))
    db.session.add(
        FieldProvenance(person_id=person.id, field="street", source_code="abh", delivery_id=second.id)
    )
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
                     "Sachbearbeitung (Ausländerbehörde)", "angesehen", "Revision und Datenschutz",
                     "Auskunftsbericht erstellt"):
        assert expected in text, expected
    # The street came with the second delivery, the name with the first.
    assert re.search(
        r"Straße Iburger Straße Ausländerbehörde \(Fachverfahren\): Lieferung ABH_20260930", text
    )
    assert re.search(r"Familienname Yılmaz Ausländerbehörde \(Fachverfahren\): Lieferung ABH_20260630", text)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access_report"))
    assert event.user_id == auditor.user.id and event.object_id == str(fixture_person.id)
    assert "Yılmaz" not in (event.detail or "")


def test_report_on_screen_is_audited_too(db, login_as, fixture_person):
    auditor = login_as("auditor", offices=())
    token = csrf_from(auditor.get("/admin/privacy/access/").get_data(as_text=True))
    resp = auditor.post(
        "/admin/privacy/access/show", data={"person_id": str(fixture_person.id), "csrf_token": token}
    )
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Ayşe Nur" in page and "ABH_20260930.csv" in page
    assert (
        db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "access_report"))
        == "format=html"
    )


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
    resp = other.post(
        "/admin/privacy/access/pdf", data={"person_id": str(fixture_person.id), "csrf_token": token}
    )
    assert resp.status_code == 403
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "access_report")) is None


def test_cli_writes_the_report(db, app, fixture_person, tmp_path):
    out = tmp_path / "auskunft.pdf"
    result = app.test_cli_runner().invoke(
        args=["privacy", "access-report", str(fixture_person.id), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "ABH-00815" in _pdf_text(out.read_bytes())
    assert db.session.scalar(select(AuditEvent.channel).where(AuditEvent.action == "access_report")) == "cli"


def _words_beyond_the_page(pdf: bytes, tmp_path) -> list[str]:
    """Words whose right edge lies past the page's right margin (pdftotext -bbox: positions in points)."""
    import subprocess

    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(source), "-"], capture_output=True, text=True,
                          check=True).stdout
    beyond = []
    for width, body in re.findall(r'<page width="([\d.]+)"[^>]*>(.*?)</page>', html, flags=re.DOTALL):
        for x_max, word in re.findall(
            r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)', body
        ):
            if float(x_max) > float(width) - 30:  # inside the 18 mm right margin, with room to spare
                beyond.append(word)
    return beyond


def test_report_gives_art_15_information_names_staff_by_role_and_fits_the_page(db, login_as, factory,
                                                                               fixture_person, tmp_path):
    """Issue 13 item 18: purposes, recipients, storage period, the rights and the supervisory authority;
    staff by role and office instead of their e-mail address; the reason column inside the page."""
    from caseapp.workflows.models import Transition

    clerk = factory.user(role="caseworker", offices=("abh",),
                         email="sachbearbeiterin.mit.sehr.langem.doppelnamen@stadt-osnabrueck.de")
    db.session.add(Transition(entity="person", entity_id=fixture_person.id, event="relocate",
                              from_state="accommodated", to_state="accommodated",
                              occurred_on=date(2026, 8, 3), by_user_id=clerk.id,
                              reason="Verlegung_auf_Wunsch_der_Familie_wegen_Nähe_zur_"
                              "Grundschule_und_zum_Kinderarzt_in_der_Weststadt"))
    db.session.flush()
    auditor = login_as("auditor", offices=())
    resp = _download(auditor, fixture_person.id)
    text = _pdf_text(resp.data).replace("\u2010 ", "")  # words hyphenated at a line end, joined again

    for expected in ("Zwecke und Rechtsgrundlagen", "Steuerung von Aufnahme", "Art. 6 Abs. 1 lit. c und e",
                     "Empfänger", "Übermittlung in Drittländer", "Speicherdauer",
                     "24 Monate nach Ende des Falls", "Berichtigung (Art. 16 DSGVO)",
                     "Löschung (Art. 17 DSGVO)", "Einschränkung der Verarbeitung (Art. 18 DSGVO)",
                     "Die Landesbeauftragte für den Datenschutz Niedersachsen", "Art. 22 DSGVO",
                     "Sachbearbeitung (Ausländerbehörde)", "Revision und Datenschutz",
                     "Datenquelle Ausländerbehörde"):
        assert expected in text, expected
    for email in (clerk.email, auditor.user.email, "@stadt-osnabrueck.de"):
        assert email not in text
    assert _words_beyond_the_page(resp.data, tmp_path) == []


def test_report_times_are_osnabrueck_time(db, login_as, fixture_person):
    """An access stored at 23:30 UTC on 30 June was 01:30 on 1 July in Osnabrück (summer time)."""
    from datetime import datetime

    from caseapp.privacy.access_report import collect

    db.session.add(AuditEvent(at=datetime(2026, 6, 30, 23, 30), user_id=None, actor="cli", action="read",
                              object_type="person", object_id=str(fixture_person.id), channel="cli",
                              prev_hash="x" * 64, hash="y" * 64))
    db.session.flush()
    report = collect(fixture_person, generated_by="Revision", now=datetime(2026, 12, 2, 15, 0))
    accesses = next(s["data"] for s in report["sections"] if s["key"] == "zugriffe")
    assert accesses[0]["at"] == "01.07.2026 01:30:00" and report["generated_at"] == "02.12.2026 16:00"


def test_the_auditor_finds_a_person_by_name_and_birth_date(db, login_as, factory, fixture_person):
    """Issue 13 item 18: the data subject gives name and birth date, not the internal number."""
    namesake = factory.person(family_name="Yılmaz", given_names="Ayşe", birth="1985-02-03")
    partial = factory.person(family_name="Yilmaz", given_names="Ayse Nur", birth="1990-05-00")
    auditor = login_as("auditor", offices=())
    token = _token(auditor)

    resp = auditor.post("/admin/privacy/access/search", data={"name": "ayse yilmaz", "birth": "17.05.1990",
                                                              "csrf_token": token})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    shown = set(map(int, re.findall(r'name="person_id" value="(\d+)"', page)))
    assert shown == {fixture_person.id, partial.id} and namesake.id not in shown
    # Only what is needed to pick the person: no address, AZR number or status.
    for hidden in ("Iburger", "987654321098", "ANKUNFT", "GESTATTUNG"):
        assert hidden not in page.split('id="lookup-hits"')[1]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "search"))
    assert event.user_id == auditor.user.id and "yilmaz" not in event.detail.lower()
    assert str(fixture_person.id) in event.detail
    bad = auditor.post("/admin/privacy/access/search", data={"name": "Yılmaz", "birth": "1990",
                                                             "csrf_token": token})
    assert "kein Datum der Form" in bad.get_data(as_text=True)


@pytest.mark.parametrize("role", ["caseworker", "shelter_manager", "analyst", "admin"])
def test_only_auditors_may_look_persons_up(db, login_as, fixture_person, role):
    other = login_as(role, offices=("abh",))
    resp = other.post("/admin/privacy/access/search", data={"name": "Yılmaz", "birth": "17.05.1990"})
    assert resp.status_code in (400, 403)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "search")) is None
