"""Celery tasks for source syncs: beat scans the inbox, one task per source works its files in order.

A per-source Redis lock keeps two syncs of one source from running at once (the import also takes a
database lock, so a CLI run cannot overlap either). Each file is one transaction: a worker killed in
the middle leaves nothing half-written, the file stays in the inbox, and the next run does it again.
Without REDIS_URL the same tasks run in-process (Celery's eager mode).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from celery import shared_task
from flask import current_app

from caseapp.codelists import SyncRunStatus
from caseapp.extensions import db
from caseapp.sources import inbox
from caseapp.sources.operations import (
    FileRejected,
    prepare,
    progress_writer,
    record_rejected_file,
    start_run,
)
from caseapp.sources.queries import delivery_processed
from caseapp.sources.registry import known_sources
from caseapp.sources.runner import run_and_commit
from caseapp.tasks.locks import single_run, task_lock

log = logging.getLogger(__name__)


def _lock_seconds() -> int:
    value = current_app.config.get("CASEAPP_SYNC_LOCK_SECONDS") or os.environ.get("CASEAPP_SYNC_LOCK_SECONDS")
    return int(value or 600)


def source_lock(code: str):
    """Yields the held lock (or True in-process), or None when another sync of the source runs."""
    return task_lock(f"sync:{code}", _lock_seconds())


def process_file(code: str, path: Path, *, channel: str, lock=None) -> str:
    """One inbox file, committed on its own; returns a line for the log (German)."""
    archive_root = Path(current_app.config["CASEAPP_ARCHIVE"])
    try:
        data = inbox.read_delivery(path, int(current_app.config.get("CASEAPP_SYNC_MAX_BYTES") or 100_000_000))
    except inbox.NotADelivery as exc:
        if not inbox.is_regular(path):
            return f"{path.name}: übersprungen: {exc}"
        # Too large: rejected as a whole, unread; its trace is kept and the file set aside.
        digest = inbox.checksum_of(path)
        run = record_rejected_file(code, path.name, b"", None, str(exc), channel=channel, digest=digest,
                                   size=path.stat().st_size)
        target = inbox.archive_target(archive_root, code, digest, path.name, rejected=True)
        run.delivery.archived_path = str(target)
        db.session.commit()
        inbox.archive(path, archive_root, code, digest, rejected=True)
        return f"{path.name}: Datei abgewiesen, nichts geändert: {exc}"
    digest = inbox.checksum(data)
    if delivery_processed(code, digest):
        inbox.archive(path, archive_root, code, digest)
        return f"{path.name}: schon verarbeitet (gleiche Prüfsumme), ins Archiv verschoben"
    try:
        prepared = prepare(code, data, file_name=path.name)
    except FileRejected as exc:
        run = record_rejected_file(code, path.name, data, None, str(exc), channel=channel)
        run.delivery.archived_path = str(
            inbox.archive_target(archive_root, code, digest, path.name, rejected=True)
        )
        db.session.commit()
        inbox.archive(path, archive_root, code, digest, rejected=True)
        return f"{path.name}: Datei abgewiesen, nichts geändert: {exc}"
    run = start_run(prepared, channel=channel)
    db.session.commit()
    write = progress_writer(run.id)

    def progress(n: int) -> None:
        if write:
            write(n)
        if lock not in (None, True):
            lock.reacquire()  # still alive: keep the lock for another full period

    summary = run_and_commit(prepared, run, progress=progress,
                             failure="Fehler bei der Verarbeitung ({error}); die Datei bleibt im Posteingang")
    target = inbox.archive(path, archive_root, code, digest)
    run.delivery.archived_path = str(target)
    db.session.commit()
    if summary.status == SyncRunStatus.held:
        return f"{path.name}: {summary.message}"
    return (f"{path.name}: {summary.records} Datensätze, {summary.created} neu, {summary.updated} geändert, "
            f"{summary.unchanged} unverändert, {summary.rejected} abgewiesen, {summary.missing} fehlen")


def run_source_inbox(code: str, *, channel: str) -> list[str]:
    """Every pending file of one source, oldest as-of date first, under the source's lock."""
    root = Path(current_app.config["CASEAPP_INBOX"])
    with source_lock(code) as lock:
        if lock is None:
            return [f"{code}: ein Abgleich dieser Datenquelle läuft bereits"]
        done = []
        for path in inbox.pending_files(root, code):
            done.append(process_file(code, path, channel=channel, lock=lock))
        return done


def run_inbox(*, channel: str) -> list[str]:
    lines: list[str] = []
    for code in known_sources():
        lines.extend(run_source_inbox(code, channel=channel))
    return lines


@shared_task(name="caseapp.sync.source", acks_late=True)
def sync_source(code: str) -> list[str]:
    return run_source_inbox(code, channel="task")


@shared_task(name="caseapp.sync.scan")
@single_run("sync:scan", seconds=300)
def scan_inbox() -> list[str]:
    """Beat: a sync task for every source that has files waiting."""
    root = Path(current_app.config["CASEAPP_INBOX"])
    queued = []
    for code in known_sources():
        if inbox.pending_files(root, code):
            sync_source.delay(code)
            queued.append(code)
    return queued
