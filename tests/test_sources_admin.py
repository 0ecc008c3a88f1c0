"""Admin screens of the syncs: who may see runs, quarantine and the missing list; re-processing a record."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.sources.models import RejectedRecord, SourceRecord
from caseapp.sources.operations import import_file
from tests.test_sources_support import csv_bytes, row

PAGES = ("/admin/sync-runs/", "/admin/sync-quarantine/", "/admin/sync-missing/")


def _bad_delivery(db):
    import_file("abh", csv_bytes([row("Q-1"), row("Q-2")]), file_name="ABH_20260901.csv")
    summary = import_file("abh", csv_bytes([
        row("Q-1"),
        row("Q-3", familienname="<script>alert(1)</script>", geburtsdatum="31.02.1990"),
    ]), file_name="ABH_20260930.csv")
    db.session.flush()
    return summary, db.session.scalar(select(RejectedRecord).where(RejectedRecord.run_id == summary.run_id))


@pytest.mark.parametrize("role", ["analyst", "shelter_manager", "auditor"])
def test_other_roles_get_403(db, login_as, role):
    client = login_as(role)
    for page in PAGES:
        assert client.get(page).status_code == 403, page


def test_admin_sees_runs_with_their_counts_but_no_delivered_record(db, login_as):
    """The quarantine holds delivered lines (name, birth date, AZR, address): admin reads no person data."""
    summary, rejected = _bad_delivery(db)
    client = login_as("admin", offices=())
    runs = client.get("/admin/sync-runs/").get_data(as_text=True)
    assert f'data-run="{summary.run_id}"' in runs and "sync-quarantine" not in runs  # the count, no link
    for page in ("/admin/sync-quarantine/", f"/admin/sync-quarantine/?run={summary.run_id}",
                 f"/admin/sync-quarantine/{rejected.id}", "/admin/sync-missing/"):
        resp = client.get(page)
        assert resp.status_code == 403 and "31.02.1990" not in resp.get_data(as_text=True), page
    assert client.post(f"/admin/sync-quarantine/{rejected.id}", data=_form(login_as("caseworker"), rejected,
                       geburtsdatum="28.02.1990")).status_code == 403
    assert db.session.get(RejectedRecord, rejected.id).status == "open"


def test_caseworker_sees_own_office_runs_quarantine_and_missing_escaped(db, login_as):
    summary, rejected = _bad_delivery(db)
    client = login_as("caseworker", offices=("abh",))
    runs = client.get("/admin/sync-runs/").get_data(as_text=True)
    assert f'data-run="{summary.run_id}"' in runs and "abgeschlossen" in runs
    page = client.get(f"/admin/sync-quarantine/?run={summary.run_id}").get_data(as_text=True)
    assert "31.02.1990" in page
    edit = client.get(f"/admin/sync-quarantine/{rejected.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in edit and "<script>alert(1)" not in edit
    missing = client.get("/admin/sync-missing/").get_data(as_text=True)
    assert "Q-2" in missing and "Q-1" not in missing


def test_caseworker_of_another_office_sees_nothing_of_abh(db, login_as):
    summary, rejected = _bad_delivery(db)
    client = login_as("caseworker", offices=("soz",))
    assert f'data-run="{summary.run_id}"' not in client.get("/admin/sync-runs/").get_data(as_text=True)
    assert client.get(f"/admin/sync-quarantine/{rejected.id}").status_code == 404
    assert client.get(f"/admin/sync-quarantine/?run={summary.run_id}").status_code == 404
    assert "Q-2" not in client.get("/admin/sync-missing/").get_data(as_text=True)


def _form(client, rejected, **changes):
    values = dict(rejected.values) | changes
    page = client.get(f"/admin/sync-quarantine/{rejected.id}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 2)[2].split('"', 1)[0]
    return {k: v or "" for k, v in values.items()} | {"csrf_token": token, "action": "reprocess"}


def test_caseworker_corrects_and_reprocesses_a_record(db, login_as):
    _summary, rejected = _bad_delivery(db)
    client = login_as("caseworker", offices=("abh",))
    still_bad = client.post(f"/admin/sync-quarantine/{rejected.id}",
                            data=_form(client, rejected, geburtsdatum="30.02.1990"))
    assert still_bad.status_code == 200 and "30.02.1990" in still_bad.get_data(as_text=True)
    assert db.session.get(RejectedRecord, rejected.id).status == "open"
    resp = client.post(
        f"/admin/sync-quarantine/{rejected.id}", data=_form(client, rejected, geburtsdatum="28.02.1990")
    )
    assert resp.status_code == 302
    done = db.session.get(RejectedRecord, rejected.id)
    assert done.status == "resolved" and done.person_id is not None
    record = db.session.scalar(select(SourceRecord).where(SourceRecord.key == "Q-3"))
    assert record.person.birth.german == "28.02.1990"
    assert record.person.family_name == "<script>alert(1)</script>"


def test_reprocess_without_csrf_token_is_refused(db, login_as):
    _summary, rejected = _bad_delivery(db)
    client = login_as("caseworker", offices=("abh",))
    data = _form(client, rejected, geburtsdatum="28.02.1990")
    data.pop("csrf_token")
    assert client.post(f"/admin/sync-quarantine/{rejected.id}", data=data).status_code == 400
    assert db.session.get(RejectedRecord, rejected.id).status == "open"


def test_a_value_with_a_line_break_is_shown_for_correction_with_its_line_break(db, login_as):
    """A quoted value may span lines; the correction form must show it whole (an input field would drop the
    line break) so that the caseworker sees what was delivered and can fix it."""
    summary = import_file("abh",
                          csv_bytes([row("Q-9", strasse="Iburger Straße\nHinterhaus",
                                         geburtsdatum="31.02.1990")]), file_name="ABH_20260930.csv")
    db.session.flush()
    rejected = db.session.scalar(select(RejectedRecord).where(RejectedRecord.run_id == summary.run_id))
    page = (
        login_as("caseworker", offices=("abh",))
        .get(f"/admin/sync-quarantine/{rejected.id}")
        .get_data(as_text=True)
    )
    assert (
        '<textarea class="form-control" id="f-strasse" name="strasse" rows="2">Iburger '
        'Straße\nHinterhaus</textarea>'
        in page
    )
    assert 'id="f-familienname" name="familienname" value="Haddad"' in page
