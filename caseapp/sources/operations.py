"""The writers of the sources area: one import path for CLI, task and admin (quarantine and held
deliveries are reviewed in review.py).

`prepare` reads and checks a file without touching the database (a whole-file rejection changes
nothing); `start_run` records the delivery and a running SyncRun (the caller commits it, so the UI
can watch the progress); `import_delivery` does the rest in the caller's one transaction.
"""
from __future__ import annotations

import gc
import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import select, text, update

from caseapp.audit.operations import record
from caseapp.codelists import SyncRunStatus
from caseapp.extensions import db
from caseapp.sources import apply, bulk, facts, importer
from caseapp.sources.models import Delivery, SyncRun
from caseapp.sources.registry import Adapter, FileRejected, ReadFile, get_adapter

log = logging.getLogger(__name__)
_FILE_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def as_of_from_name(file_name: str) -> date | None:
    """The first YYYYMMDD in the file name that is a real date (ABH_20260930.csv -> 2026-09-30)."""
    for m in _FILE_DATE.finditer(file_name or ""):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            continue
    return None


@dataclass
class Prepared:
    source_code: str
    adapter: Adapter
    read: ReadFile
    as_of: date
    file_name: str
    checksum: str
    size: int


@dataclass
class Summary:
    source: str
    as_of: date
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    missing: int = 0
    linked: int = 0
    queued: int = 0
    new_persons: int = 0
    errors: list[dict] = field(default_factory=list)
    status: str = "done"
    message: str | None = None
    run_id: int | None = None

    def as_json(self) -> dict:
        """Exactly the import summary of spec/abh-delivery.md with linkage.md's three counts."""
        return {"source": self.source, "as_of": self.as_of.isoformat(), "records": self.records,
                "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected, "missing": self.missing, "linked": self.linked,
                "queued": self.queued, "new_persons": self.new_persons, "errors": self.errors}


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def prepare(source_code: str, data: bytes, *, file_name: str, as_of: date | None = None) -> Prepared:
    """Read and check the whole file; raises FileRejected (German message) and writes nothing."""
    adapter = get_adapter(source_code)
    limit = int(current_app.config.get("CASEAPP_SYNC_MAX_BYTES") or 100_000_000)
    if len(data) > limit:
        from caseapp.sources.inbox import too_large

        raise FileRejected(too_large(len(data), limit))
    setting = getattr(adapter, "enabled_setting", None)
    if setting and not current_app.config.get(setting):
        raise FileRejected(adapter.disabled_message)
    as_of = as_of or as_of_from_name(file_name) or date.today()
    read = adapter.read(data)
    return Prepared(source_code, adapter, read, as_of, file_name, checksum(data), len(data))


def rejected_summary(source_code: str, as_of: date | None, file_name: str, message: str) -> Summary:
    as_of = as_of or as_of_from_name(file_name) or date.today()
    return Summary(source_code, as_of, status="rejected", message=message,
                   errors=[{"line": None, "column": None, "message": message}])


def _delivery(source_code: str, file_name: str, digest: str, size: int, as_of: date) -> Delivery:
    delivery = db.session.scalar(select(Delivery).where(Delivery.source_code == source_code,
                                                        Delivery.checksum == digest).limit(1))
    if delivery is None:
        delivery = Delivery(source_code=source_code, file_name=file_name[:255], checksum=digest, size=size,
                            as_of=as_of)
        db.session.add(delivery)
        db.session.flush()
    return delivery


def start_run(prepared: Prepared, *, channel: str) -> SyncRun:
    """The delivery (found again by checksum) and a new running SyncRun; flushed, not committed."""
    p = prepared
    delivery = _delivery(p.source_code, p.file_name, p.checksum, p.size, p.as_of)
    run = SyncRun(delivery_id=delivery.id, source_code=p.source_code, as_of=p.as_of, status="running",
                  channel=channel, started_at=now(), records=p.read.count, created=0, updated=0,
                  unchanged=0, rejected=0, missing=0, progress=0)
    db.session.add(run)
    db.session.flush()
    return run


def record_rejected_file(source_code: str, file_name: str, data: bytes, as_of: date | None, message: str,
                         *, channel: str, digest: str | None = None, size: int | None = None) -> SyncRun:
    """For the scheduled path: keep a trace of a file rejected as a whole (persons stay untouched)."""
    as_of = as_of or as_of_from_name(file_name) or date.today()
    size = len(data) if size is None else size
    delivery = _delivery(source_code, file_name, digest or checksum(data), size,
                         as_of)
    run = SyncRun(delivery_id=delivery.id, source_code=source_code, as_of=as_of, status="rejected",
                  channel=channel, started_at=now(), finished_at=now(), message=message[:500], records=0,
                  created=0, updated=0, unchanged=0, rejected=0, missing=0, progress=0)
    db.session.add(run)
    db.session.flush()
    return run


def fail_run(run_id: int, message: str) -> None:
    db.session.execute(update(SyncRun).where(SyncRun.id == run_id, SyncRun.status == SyncRunStatus.running)
                       .values(status="failed", finished_at=now(), message=message[:500]))
    db.session.flush()


def progress_writer(run_id: int):
    """Writes a running run's progress from a side connection (PostgreSQL only; SQLite would lock)."""
    if db.engine.dialect.name != "postgresql":
        return None

    def write(n: int) -> None:
        try:
            with db.engine.begin() as conn:
                conn.execute(text("SET LOCAL lock_timeout = '500ms'"))
                conn.execute(text("UPDATE sync_run SET progress = :n WHERE id = :id"), {"n": n, "id": run_id})
        except Exception:  # progress is best effort; the run itself must not fail for it
            log.warning("progress of sync run %s not written", run_id, exc_info=True)

    return write


def import_delivery(prepared: Prepared, run: SyncRun, *, actor: str | None = None, progress=None,
                    confirm_missing: bool = False) -> Summary:
    """Apply a prepared delivery in the caller's transaction; the run row gets its counts at the end.

    A delivery that would flag more than CASEAPP_SYNC_MISSING_HOLD_SHARE of the source's persons as
    missing (and at least CASEAPP_SYNC_MISSING_HOLD_MIN) is held: nothing changes, the run is `held`
    until a caseworker confirms it (`confirm_missing=True`, e.g. from the runs page) or discards it."""
    # Tens of thousands of short-lived objects: the cyclic GC would rescan them all again and again.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _import_delivery(prepared, run, actor=actor, progress=progress,
                                confirm_missing=confirm_missing)
    finally:
        if enabled:
            gc.enable()


def _hold(p: Prepared, run_id: int, plan: importer.Plan, known: dict) -> Summary | None:
    """The held summary when this delivery would flag too many persons missing (see import_delivery)."""
    active = [k for k in known.values() if k.missing_since is None]
    gone = sum(1 for k in active if not k.seen)
    share = float(current_app.config.get("CASEAPP_SYNC_MISSING_HOLD_SHARE", 0.10))
    least = int(current_app.config.get("CASEAPP_SYNC_MISSING_HOLD_MIN", 10))
    if gone < least or gone <= share * len(active):
        return None
    message = (f"Angehalten: die Lieferung würde {gone} von {len(active)} Personen dieser Datenquelle "
               f"({gone / len(active):.0%}) als fehlend markieren (Schwelle {share:.0%}); vielleicht ist sie "
               "unvollständig. Es wurde nichts geändert. Bitte prüfen und auf der Seite Abgleiche bestätigen "
               "oder verwerfen.")
    run = db.session.get(SyncRun, run_id)
    run.status, run.finished_at, run.message, run.missing = "held", now(), message[:500], gone
    record("sync_held", "sync_run", run_id, actor=f"source:{p.source_code}", channel=run.channel,
           detail=f"missing={gone},known={len(active)}")
    return Summary(p.source_code, p.as_of, records=plan.records, unchanged=plan.unchanged,
                   created=len(plan.creates), updated=len(plan.updates), rejected=len(plan.rejects),
                   missing=gone,
                   status="held", message=message, run_id=run_id,
                   errors=sorted((e for r in plan.rejects for e in r.errors),
                                 key=lambda e: (e["line"], e["column"] or "")))


def _import_delivery(prepared: Prepared, run: SyncRun, *, actor: str | None, progress,
                     confirm_missing: bool = False) -> Summary:
    p = prepared
    actor = actor or f"source:{p.source_code}"
    run_id = run.id
    db.session.flush()
    bulk.lock_source(p.source_code)
    # A run left 'running' by a killed process rolled back with it; the lock proves nobody runs it now.
    db.session.execute(
        update(SyncRun)
        .where(SyncRun.source_code == p.source_code, SyncRun.status == SyncRunStatus.running,
               SyncRun.id != run_id)
        .values(
            status="failed",
            finished_at=now(),
            message="abgebrochen (Prozess beendet); die Lieferung wurde erneut verarbeitet",
        )
    )
    known = importer.load_known(p.source_code)
    plan = importer.classify(p.adapter, p.read, known, p.as_of, progress)
    importer.check_azr_owners(p.adapter, p.source_code, plan)
    importer.check_erased(p.adapter, p.source_code, plan)
    if not confirm_missing and (held := _hold(p, run_id, plan, known)) is not None:
        return held
    # The seam to record linkage (linkage/hooks.py): the new records are decided before they are
    # written; a record that belongs to a known person is attached to it like an AZR match.
    from caseapp.linkage import hooks

    prelinked = hooks.before_create(p.source_code, plan.creates)
    ctx = apply.Context(p.source_code, run.delivery_id, p.as_of, actor, person_fields=p.adapter.person_fields)
    new_ids, updated, azr_links, model_links = _apply(ctx, plan, run_id, prelinked.ids)
    apply.plan_due_departures(ctx, known)
    missing = apply.mark_missing_and_returned(ctx, plan, known)
    db.session.expire_all()
    _run_steps(ctx, channel=run.channel)
    linkage = hooks.after_create(prelinked, new_ids, by=actor, channel=run.channel)
    errors = sorted((e for r in plan.rejects for e in r.errors), key=lambda e: (e["line"], e["column"] or ""))
    # created: the run's new records that no AZR number here tied to a known person (as before linkage
    # attached them first); updated includes the AZR-tied ones.
    summary = Summary(p.source_code, p.as_of, records=plan.records, created=len(new_ids) + model_links,
                      updated=updated + azr_links,
                      unchanged=plan.unchanged, rejected=len(plan.rejects), missing=missing, errors=errors,
                      run_id=run_id, linked=azr_links + linkage["linked"], queued=linkage["queued"],
                      new_persons=linkage["new_persons"])
    run = db.session.get(SyncRun, run_id)
    run.status, run.finished_at, run.progress = "done", now(), plan.records
    for name in ("records", "created", "updated", "unchanged", "rejected", "missing", "linked", "queued"):
        setattr(run, name, getattr(summary, name))
    detail = ",".join(f"{n}={getattr(summary, n)}" for n in ("records", "created", "updated", "unchanged",
                                                            "rejected", "missing"))
    record("sync", "sync_run", run_id, actor=actor, channel=run.channel, detail=detail)
    return summary


def _apply(ctx: apply.Context, plan: importer.Plan, run_id: int, ids: dict[int, int] | None = None
           ) -> tuple[list[int], int, int, int]:
    """Writes the plan; returns the ids of the new persons, the number of updated records, the number
    of new keys tied to a known person by their AZR number here and the number record linkage attached.
    `ids` {id(item): person id} are the ids linkage allocated for the new records."""
    ctx.shelter_addresses = apply.load_shelter_addresses()
    family = apply.households(ctx, plan.creates + plan.updates)
    creates = [i for i in plan.creates if i.link_person_id is None]
    links = [i for i in plan.creates if i.link_person_id is not None]
    new_ids = apply.create_persons(ctx, creates, family,
                                   ids=[ids[id(i)] for i in creates] if ids else None)
    apply.update_persons(ctx, plan.updates + links, family)
    model = getattr(get_adapter(ctx.source_code), "facts_model", None)
    facts.write(ctx.source_code, model, {i.parsed.key: i.parsed.facts for i in plan.creates + plan.updates},
                as_of=ctx.as_of, delivery_id=ctx.delivery_id)
    bulk.copy_rows("rejected_record",
                   ("run_id", "source_code", "line", "key", "raw", "values", "errors", "status"), [
        (run_id, ctx.source_code, r.record.line, _visible((r.key or None) and r.key[:100]),
         _visible(r.record.raw),
         _visible(_json(r.values)), _json(r.errors), "open") for r in plan.rejects])
    by_model = sum(1 for i in links if i.link_rule is not None)
    return new_ids, len(plan.updates), len(links) - by_model, by_model


def _visible(text: str | None) -> str | None:
    """A NUL as the visible symbol ␀: PostgreSQL text cannot hold NUL, and the caseworker should see it."""
    return text.replace("\x00", "\u2400") if text and "\x00" in text else text


def _json(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


def _run_steps(ctx: apply.Context, *, channel: str | None) -> None:
    """Lifecycle steps of persons that existed before: through the lifecycle operation, one by one."""
    from caseapp.people.models import Person
    from caseapp.people.operations import run_transition
    from caseapp.workflows.errors import InvalidInput, TransitionRefused
    from caseapp.workflows.history import last_event_date

    for person_id, event, on, reason in ctx.steps:
        person = db.session.get(Person, person_id)
        try:
            run_transition(person, event, actor=ctx.actor, on=on, reason=reason, channel=channel)
        except TransitionRefused:
            last = last_event_date("person", person_id)
            try:
                if last is None or last <= on:
                    raise
                run_transition(person, event, actor=ctx.actor, on=last, reason=reason, channel=channel)
            except (TransitionRefused, InvalidInput) as exc:
                log.warning(
                    "sync %s: %s of person %s not possible: %s", ctx.source_code, event, person_id, exc
                )
        except InvalidInput as exc:
            log.warning("sync %s: %s of person %s not possible: %s", ctx.source_code, event, person_id, exc)


def import_file(source_code: str, data: bytes, *, file_name: str, as_of: date | None = None,
                channel: str = "cli", progress=None) -> Summary:
    """prepare + start_run + import_delivery in one go (the caller commits once)."""
    try:
        prepared = prepare(source_code, data, file_name=file_name, as_of=as_of)
    except FileRejected as exc:
        return rejected_summary(source_code, as_of, file_name, str(exc))
    run = start_run(prepared, channel=channel)
    return import_delivery(prepared, run, progress=progress)
