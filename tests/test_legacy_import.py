"""Importing the shelters' old Excel lists: the messy sample workbook through upload, preview and apply."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

SAMPLE = Path(__file__).parent / "data" / "Belegung_Altlisten.xlsx"


@pytest.fixture()
def shelters(factory, db):
    """The two shelters the sample workbook lists, with the rooms its rows name (not 9.99)."""
    hafen = factory.shelter(name="GU Am Hafen", rooms=(("1.01", 4, {"family": True}), ("1.02", 2),
                                                       ("2.01", 2, {"women_only": True}), ("2.02", 2)))
    lotter = factory.shelter(name="GU Lotter Straße", rooms=(("A1", 3), ("A2", 2)))
    db.session.commit()
    return hafen, lotter


def _token(c) -> str:
    """The session's CSRF token (empty for a role whose start page has no form: it gets 403 first)."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', c.get("/admin/").get_data(as_text=True))
    return match.group(1) if match else ""


def _upload(c, data: bytes, name="Belegung_Altlisten.xlsx", **form):
    fields = {"file": (io.BytesIO(data), name), "residence_status": "GESTATTUNG", "office_code": "int",
              "csrf_token": _token(c), **form}
    return c.post("/admin/altlisten/upload/", data=fields, content_type="multipart/form-data")


def _post(c, path: str, **data):
    return c.post(path, data={"csrf_token": _token(c), **data})


def _stays(db):
    from caseapp.people.models import Person
    from caseapp.shelters.models import Room, Stay

    rows = db.session.execute(select(Person.family_name, Person.given_names, Room.name).join(
        Stay, Stay.person_id == Person.id).join(Room, Room.id == Stay.room_id).where(Stay.end_date.is_(None)))
    return sorted(tuple(r) for r in rows)


def test_preview_maps_every_row_and_changes_nothing(login_as, shelters, db):
    from caseapp.people.models import Person

    c = login_as("shelter_manager", offices=())
    resp = _upload(c, SAMPLE.read_bytes())
    assert resp.status_code == 302 and "/admin/altlisten/" in resp.location
    page = c.get(resp.location).get_data(as_text=True)
    # Hafen: 5 mapped (Hussein x3, Ahmadi, Karimi) + Nowak x2; 9.99 and the impossible date are not;
    # Lotter: Rahimi x3 and Okafor, Mensah in A2 (2 beds): Diallo finds no bed, Okafor's second row is a
    # duplicate.
    assert "12 neue Personen" in page and "4 Zeilen können nicht zugeordnet werden" in page, page
    for reason in ("Zimmer „9.99“ gibt es in „GU Am Hafen“ nicht", "Den Tag 31.02.1992 gibt es nicht",
                   "Im Zimmer A2 ist kein Bett", "dieselbe Person steht schon in Zeile 7",
                   "keine Kopfzeile", "Hinweiszeile, keine Person", "freies oder gesperrtes Bett",
                   "Name ohne Komma"):
        assert reason in page, reason
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    assert _stays(db) == []


def test_apply_moves_everyone_in_at_once_and_keeps_the_rest_for_review(login_as, shelters, db):
    from caseapp.audit.models import AuditEvent
    from caseapp.people.models import Person
    from caseapp.shelters.legacy.models import LegacyImport, LegacyRowRecord

    c = login_as("shelter_manager", offices=())
    location = _upload(c, SAMPLE.read_bytes()).location
    imp_id = int(location.rstrip("/").rsplit("/", 1)[1])
    resp = _post(c, f"/admin/altlisten/{imp_id}/apply/")
    assert resp.status_code == 302
    stays = _stays(db)
    assert len(stays) == 12
    assert ("Hussein", "Hassan", "1.01") in stays and ("Nowak", "Sofiia", "2.01") in stays
    assert ("Karimi", "Ali", "1.02") in stays and ("Rahimi", "Darius", "A1") in stays
    karimi = db.session.scalar(select(Person).where(Person.family_name == "Karimi"))
    assert karimi.birth.german == "00.00.1979" and karimi.nationality_codes == ["AFG"]
    assert karimi.move_in_date.isoformat() == "2026-03-15" and karimi.registered_by_office == "int"
    assert karimi.state == "accommodated"
    imp = db.session.get(LegacyImport, imp_id)
    assert imp.data is None and imp.summary["new"] == 12 and imp.summary["unmapped"] == 4
    unmapped = db.session.scalars(select(LegacyRowRecord).where(LegacyRowRecord.outcome == "unmapped")).all()
    assert sorted((r.sheet, r.line) for r in unmapped) == [("GU Am Hafen", 16), ("GU Am Hafen", 17),
                                                          ("Lotter Straße", 9), ("Lotter Straße", 10)]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "legacy_import"))
    assert sorted(actions) == ["legacy_import", "legacy_upload"]
    # The review list shows the open rows; a shelter manager marks one as dealt with (audited).
    review = c.get("/admin/altlisten/offen/").get_data(as_text=True)
    assert "Diallo" in review and "Im Zimmer A2 ist kein Bett" in review
    diallo = next(r for r in unmapped if r.raw["family_name"] == "Diallo")
    _post(c, f"/admin/altlisten/zeile/{diallo.id}/erledigt/", resolution="Zimmer A3 angelegt, von Hand")
    assert "Diallo" not in c.get("/admin/altlisten/offen/").get_data(as_text=True)
    # The same file again: refused by its checksum, nothing changes.
    again = _upload(c, SAMPLE.read_bytes())
    assert "schon eingespielt" in c.get(again.location).get_data(as_text=True) or again.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LegacyImport)) == 1
    assert len(_stays(db)) == 12


def test_known_person_is_matched_and_a_person_outside_the_managers_view_is_not_revealed(login_as, shelters,
                                                                                         factory, db):
    hassan = factory.person(family_name="Hussein", given_names="Hassan", birth="1985-03-12", sex="m",
                            state="announced", office="abh")
    # housed in a flat, known only to the foreigners authority: outside a shelter manager's view
    factory.person(family_name="Okafor", given_names="Chidi", birth="1999-02-14", sex="m", state="housed",
                   nationalities=("NGA",), office="abh")
    db.session.commit()
    c = login_as("shelter_manager", offices=())
    page = c.get(_upload(c, SAMPLE.read_bytes()).location).get_data(as_text=True)
    assert f"bekannte Person, eingezogen (Person Nr. {hassan.id})" in page
    # Okafor's row matches a person the manager may not see: not applied, and nothing says who
    assert "möglicherweise schon erfasst" in page
    assert set(re.findall(r"Person Nr\. (\d+)", page)) == {str(hassan.id)}


def test_a_broken_protection_rule_is_taken_over_as_listed_and_warned(login_as, shelters, db):
    """A man listed in a women's room: the list is what is, so he moves in, with a warning and an
    override in the history (a full room, in contrast, refuses the row)."""
    from caseapp.workflows.models import Transition

    wb = Workbook()
    ws = wb.active
    ws.append(["Zimmer", "Name", "Vorname", "Geburtsdatum", "Geschlecht"])
    ws.append(["2.01", "Petrenko", "Taras", "02.02.1980", "m"])
    buf = io.BytesIO()
    wb.save(buf)
    c = login_as("shelter_manager", offices=())
    location = _upload(c, buf.getvalue(), name="hafen.xlsx", shelter_id=str(shelters[0].id)).location
    assert "Schutzregel verletzt (Frauenzimmer)" in c.get(location).get_data(as_text=True)
    _post(c, location + "apply/")
    assert _stays(db) == [("Petrenko", "Taras", "2.01")]
    reasons = db.session.scalars(select(Transition.reason).where(Transition.event == "allocate"))
    assert any("Schutzregel übergangen (Frauenzimmer): Bestand laut Altliste" in (r or "") for r in reasons)


def test_an_unreadable_file_is_refused_with_a_reason(login_as, shelters):
    c = login_as("shelter_manager", offices=())
    resp = _upload(c, b"Name;Vorname\nHussein;Hassan\n", name="liste.xlsx")
    page = c.get(c.get(resp.location).location).get_data(as_text=True)
    assert "keine lesbare Excel-Arbeitsmappe" in page
    resp = _upload(c, b"x", name="liste.csv")
    assert "Nur Excel-Arbeitsmappen (.xlsx)" in c.get(resp.location).get_data(as_text=True)


@pytest.mark.parametrize("role", ["caseworker", "admin", "analyst", "auditor", "data_steward"])
def test_only_shelter_managers_import(login_as, shelters, role):
    c = login_as(role, offices=("abh",) if role == "caseworker" else ())
    assert c.get("/admin/altlisten/").status_code == 403
    assert _upload(c, SAMPLE.read_bytes()).status_code == 403
    assert c.get("/admin/altlisten/offen/").status_code == 403


def test_the_import_runs_on_the_embedded_default_too(tmp_path):
    """`bash scripts/demo` runs on SQLite: the preview's matching uses portable SQL only."""
    from caseapp.extensions import db as _db
    from caseapp.shelters.legacy import importer
    from caseapp.shelters.legacy.models import LegacyImport
    from tests.factories import Factory
    from tests.test_demo import _upgraded_app

    app = _upgraded_app(f"sqlite:///{tmp_path / 'legacy.db'}")
    with app.app_context():
        f = Factory(_db)
        manager = f.user(role="shelter_manager", offices=())
        f.shelter(name="GU Am Hafen", rooms=(("1.01", 4, {"family": True}), ("1.02", 2), ("2.01", 2),
                                             ("2.02", 2)))
        f.shelter(name="GU Lotter Straße", rooms=(("A1", 3), ("A2", 2)))
        f.person(family_name="Hussein", given_names="Hassan", birth="1985-03-12", state="announced")
        imp = LegacyImport(file_name="x.xlsx", sha256="0" * 64, data=SAMPLE.read_bytes(), office_code="int",
                           residence_status="GESTATTUNG", uploaded_by_id=manager.id)
        _db.session.add(imp)
        _db.session.commit()
        result = importer.run(imp, by=manager, apply=True)
        assert result.count("existing") == 1 and result.count("new") == 11 and result.count("unmapped") == 4
