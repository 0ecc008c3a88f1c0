"""Bad and hostile deliveries (issue 13 items 5, 8, 16, 19): a NUL or a short line costs one record, not
the file; no symlink is followed; size and line length are bounded; a truncated snapshot is held;
a quarantined record cannot be re-keyed onto another person."""
from __future__ import annotations

import os
from datetime import date

from sqlalchemy import select

from caseapp.audit.models import AuditEvent
from caseapp.sources.models import FieldProvenance, RejectedRecord, SourceRecord, SyncRun
from caseapp.sources.operations import import_file
from tests.test_sources_admin import _form
from tests.test_sources_inbox import inbox  # noqa: F401 - fixture
from tests.test_sources_support import abh_person, csv_bytes, import_abh, row


def test_a_stray_nul_rejects_only_its_record_with_line_and_column(db):
    s = import_abh(csv_bytes([row("N-1"), row("N-2", vornamen="Sa\x00mir"), row("N-3")]))
    assert (s.created, s.rejected) == (2, 1)
    assert (s.errors[0]["line"], s.errors[0]["column"]) == (3, "vornamen")
    assert "Steuerzeichen" in s.errors[0]["message"]
    utf16 = import_file("abh", csv_bytes([row("N-4")]).decode().encode("utf-16-le"),
                        file_name="ABH_20260930.csv")
    assert utf16.status == "rejected" and utf16.records == 0


def test_a_line_with_too_few_fields_says_so(db):
    s = import_abh(csv_bytes([row("F-1")], raw_lines=["F-2;;Haddad;Samir"]))
    assert (s.created, s.rejected) == (1, 1)
    assert s.errors[0]["line"] == 3 and s.errors[0]["message"].startswith("Zeile hat 4 statt 18 Felder")


def test_size_and_line_length_are_bounded(app, db):
    app.config["CASEAPP_SYNC_MAX_LINE"] = 300
    try:
        s = import_abh(csv_bytes([row("L-1"), row("L-2", strasse="x" * 400)]))
    finally:
        app.config["CASEAPP_SYNC_MAX_LINE"] = 10000
    assert (s.created, s.rejected) == (1, 1) and "höchstens 300" in s.errors[0]["message"]
    app.config["CASEAPP_SYNC_MAX_BYTES"] = 100
    try:
        big = import_file("abh", csv_bytes([row("L-3")]), file_name="ABH_20261001.csv")
    finally:
        app.config["CASEAPP_SYNC_MAX_BYTES"] = 100_000_000
    assert big.status == "rejected" and "CASEAPP_SYNC_MAX_BYTES" in big.message


def test_inbox_does_not_follow_a_symlink_nor_chmod_its_target(db, inbox, tmp_path):  # noqa: F811
    from caseapp.tasks.sources import scan_inbox

    root, _archive = inbox
    secret = tmp_path / "secret.csv"
    secret.write_bytes(csv_bytes([row("Y-1")]))
    os.chmod(secret, 0o644)
    os.symlink(secret, root / "ABH_20260930.csv")
    assert scan_inbox.delay().get() == []
    assert db.session.scalar(select(SyncRun.id)) is None
    assert (os.stat(secret).st_mode & 0o777) == 0o644 and (root / "ABH_20260930.csv").is_symlink()


def test_a_truncated_snapshot_is_held_until_a_caseworker_confirms(db, login_as, inbox):  # noqa: F811
    from caseapp.tasks.sources import scan_inbox

    root, _archive = inbox
    import_abh(csv_bytes([row(f"H-{n}") for n in range(30)]))
    (root / "ABH_20261031.csv").write_bytes(csv_bytes([row("H-0")]))
    scan_inbox.delay().get()
    held = db.session.scalar(select(SyncRun).where(SyncRun.status == "held"))
    assert held is not None and "29 von 30" in held.message
    assert abh_person(db, "H-5").flagged_missing_since is None  # nothing changed
    client = login_as("caseworker", offices=("abh",))
    page = client.get("/admin/sync-runs/").get_data(as_text=True)
    assert "Bestätigen und einlesen" in page
    token = page.split('name="csrf_token" value="', 2)[1].split('"', 1)[0]
    other = login_as("caseworker", offices=("soz",))
    refused = other.post(f"/admin/sync-runs/{held.id}/confirm", data={"csrf_token": token})
    assert refused.status_code in (400, 404)
    resp = client.post(f"/admin/sync-runs/{held.id}/confirm", data={"csrf_token": token})
    assert resp.status_code == 302
    assert abh_person(db, "H-5").flagged_missing_since == date(2026, 10, 31)
    assert db.session.get(SyncRun, held.id).status == "done"


def test_cli_holds_and_confirm_missing_imports(db):
    import_abh(csv_bytes([row(f"C-{n}") for n in range(30)]))
    held = import_file("abh", csv_bytes([row("C-0")]), file_name="ABH_20261031.csv")
    assert held.status == "held" and abh_person(db, "C-9").flagged_missing_since is None


def test_quarantine_reprocess_cannot_rekey_and_names_the_caseworker(db, login_as):
    import_abh(csv_bytes([row("K-1", familienname="Nasser")]))
    bad = import_file("abh", csv_bytes([row("K-1", familienname="Nasser"),
                                        row("K-2", geburtsdatum="31.02.1990")]),
                      file_name="ABH_20261001.csv")
    rejected = db.session.scalar(select(RejectedRecord).where(RejectedRecord.run_id == bad.run_id))
    client = login_as("caseworker", offices=("abh",))
    page = client.get(f"/admin/sync-quarantine/{rejected.id}").get_data(as_text=True)
    assert 'name="abh_id"' not in page and "nicht änderbar" in page
    resp = client.post(f"/admin/sync-quarantine/{rejected.id}",
                       data=_form(client, rejected, abh_id="K-1", geburtsdatum="28.02.1990",
                                  familienname="Evil"))
    assert resp.status_code == 302
    assert abh_person(db, "K-1").family_name == "Nasser"  # the other person is untouched
    new = abh_person(db, "K-2")
    assert new.family_name == "Evil" and new.birth.german == "28.02.1990"
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "person",
                                                        AuditEvent.object_id == str(new.id))).all()
    assert any(a.user_email == client.user.email and "Quarantäne" in (a.detail or "") for a in audit)
    prov = db.session.get(FieldProvenance, (new.id, "family_name"))
    assert prov.corrected_by_label == client.user.email
    assert db.session.scalar(select(SourceRecord.key).where(SourceRecord.person_id == new.id)) == "K-2"
