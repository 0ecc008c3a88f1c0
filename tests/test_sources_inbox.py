"""The scheduled path in-process (no REDIS_URL: Celery runs the same tasks eagerly): inbox to archive."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from caseapp.sources.models import Delivery, SyncRun
from tests.test_sources_support import HEADER, csv_bytes, row


@pytest.fixture()
def inbox(app):
    # Shared tasks run on the current Celery app: make it this test app's eager one, whatever ran before.
    celery = app.extensions["celery"]
    celery.set_current()
    celery.set_default()
    root = Path(app.config["CASEAPP_INBOX"]) / "abh"
    archive = Path(app.config["CASEAPP_ARCHIVE"]) / "abh"
    root.mkdir(parents=True, exist_ok=True)
    yield root, archive
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(archive, ignore_errors=True)


def test_scan_imports_good_files_records_rejected_ones_and_ignores_partial_uploads(db, inbox):
    from caseapp.tasks.sources import scan_inbox

    root, archive = inbox
    (root / "ABH_20260930.csv").write_bytes(csv_bytes([row("I-1")]))
    (root / "ABH_20261031.csv").write_bytes(
        csv_bytes([row("I-1")], header=[c for c in HEADER if c != "abh_id"])
    )
    (root / "ABH_20261130.csv.part").write_bytes(b"still uploading")
    assert scan_inbox.delay().get() == ["abh"]
    runs = db.session.execute(select(Delivery.file_name, SyncRun.status, SyncRun.created, SyncRun.message)
                              .join(SyncRun.delivery).order_by(SyncRun.id)).all()
    assert [r[:3] for r in runs] == [("ABH_20260930.csv", "done", 1), ("ABH_20261031.csv", "rejected", 0)]
    assert "Pflichtspalte fehlt: abh_id" in runs[1][3]
    assert [p.name for p in root.iterdir()] == ["ABH_20261130.csv.part"]
    assert len(list(archive.glob("*_ABH_20260930.csv"))) == 1
    assert len(list((archive / "abgewiesen").glob("*_ABH_20261031.csv"))) == 1
    delivery = db.session.scalar(select(Delivery).where(Delivery.file_name == "ABH_20260930.csv"))
    assert delivery.archived_path.endswith(f"{delivery.checksum[:16]}_ABH_20260930.csv")
    # Nothing new waits: the next scan queues nothing.
    assert scan_inbox.delay().get() == []
