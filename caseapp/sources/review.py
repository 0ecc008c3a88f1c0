"""What a caseworker decides after a delivery: a quarantined record corrected and run again through the
same rules (or dismissed), a held delivery confirmed or discarded. Flush and audit, never commit.
"""
from __future__ import annotations

from sqlalchemy import text

from caseapp.audit.operations import record
from caseapp.codelists import RejectedStatus, SyncRunStatus
from caseapp.extensions import db
from caseapp.sources import apply, bulk, importer
from caseapp.sources.models import RejectedRecord, SyncRun
from caseapp.sources.operations import (
    Summary,
    _apply,
    _run_steps,
    import_delivery,
    now,
    prepare,
    rejected_summary,
)
from caseapp.sources.registry import get_adapter


def _line_of(columns, values: dict) -> str:
    def cell(v):
        v = v or ""
        return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in ';"\n') else v
    return ";".join(cell(values.get(c)) for c in columns)


def reprocess_rejected(rejected: RejectedRecord, values: dict, *, by) -> list[dict]:
    """Run one quarantined record again with a caseworker's corrected values, through the same rules.

    The record key is the delivered one whatever `values` says: a corrected key could make the line
    update any person as if the source had delivered it. The person the record reaches gets an audit
    row naming the caseworker, and its provenance says "manual correction by <user>".
    Returns the errors that remain ([] when the record went in; it is then marked resolved)."""
    from caseapp.sources.csvfile import normalise, one_record

    adapter = get_adapter(rejected.source_code)
    run = rejected.run
    clean = {c: normalise(values.get(c)) for c in adapter.columns}
    clean[adapter.key_column] = normalise((rejected.values or {}).get(adapter.key_column))
    read = one_record(adapter.columns, _line_of(adapter.columns, clean))
    bulk.lock_source(rejected.source_code)
    key = clean.get(adapter.key_column) or ""
    known = {r[0]: importer.Known(*r) for r in bulk.fetch_all(
        "SELECT key, id, person_id, raw_hash, values_hash, missing_since FROM source_record "
        "WHERE source_code = :c AND key = :k", {"c": rejected.source_code, "k": key})}
    plan = importer.classify(adapter, read, known, run.as_of)
    importer.check_azr_owners(adapter, rejected.source_code, plan)
    # No erased-key check here: re-processing is the caseworker's reviewed decision to take the record.
    if plan.rejects:
        errors = [{**e, "line": rejected.line} for r in plan.rejects for e in r.errors]
        rejected.values, rejected.errors = clean, errors
        db.session.flush()
        return errors
    actor = getattr(by, "email", None) or f"source:{rejected.source_code}"
    ctx = apply.Context(rejected.source_code, run.delivery_id, run.as_of, actor,
                        person_fields=adapter.person_fields, corrected_by=by)
    # Record linkage as in a delivery: a record that belongs to a known person is attached to it.
    from caseapp.linkage import hooks

    prelinked = hooks.before_create(rejected.source_code, plan.creates)
    new_ids, updated, links, model_links = _apply(ctx, plan, run.id, prelinked.ids)
    created = len(new_ids)
    updated += links + model_links
    if known:
        apply.mark_missing_and_returned(ctx, plan, {})
    rejected_id = rejected.id
    db.session.expire_all()
    _run_steps(ctx, channel="admin")
    hooks.after_create(prelinked, new_ids, by=actor, channel="admin")
    rejected = db.session.get(RejectedRecord, rejected_id)
    rejected.values, rejected.errors, rejected.status = clean, [], RejectedStatus.resolved.value
    rejected.resolved_at, rejected.resolved_by_id = now(), getattr(by, "id", None)
    rejected.person_id = db.session.scalar(text(
        "SELECT person_id FROM source_record WHERE source_code = :c AND key = :k"),
        {"c": rejected.source_code, "k": key})
    outcome = "created" if created else ("updated" if updated else "unchanged")
    record("reprocess", "rejected_record", rejected_id, by=by, channel="admin", detail=f"result={outcome}")
    if rejected.person_id is not None:
        fields = ctx.changed_persons.get(rejected.person_id, [])
        record("create" if created else "update", "person", rejected.person_id, by=by, channel="admin",
               detail=f"Korrektur Quarantäne {rejected.source_code} Zeile {rejected.line}"
                      + (f"; fields={','.join(fields)}" if fields else ""))
    return []


def confirm_held(run: SyncRun, *, by) -> Summary:
    """A caseworker confirms a held delivery: it is read again from the archive and imported in full,
    missing persons flagged. Returns the summary (status `rejected` when the file is gone)."""
    from pathlib import Path

    delivery = run.delivery
    path = Path(delivery.archived_path) if delivery and delivery.archived_path else None
    if path is None or not path.is_file():
        return rejected_summary(run.source_code, run.as_of, delivery.file_name if delivery else "", (
            "Die Datei liegt nicht im Archiv; bitte mit 'caseapp sync import --confirm-missing' erneut "
            "einlesen."))
    prepared = prepare(run.source_code, path.read_bytes(), file_name=delivery.file_name, as_of=run.as_of)
    run.status, run.channel, run.message = SyncRunStatus.running.value, "admin", None
    db.session.flush()
    summary = import_delivery(prepared, run, actor=f"source:{run.source_code}", confirm_missing=True)
    record("sync_confirm", "sync_run", run.id, by=by, channel="admin", detail=f"missing={summary.missing}")
    return summary


def discard_held(run: SyncRun, *, by) -> None:
    """A caseworker discards a held delivery: it stays unimported, recorded as rejected."""
    run.status, run.finished_at = SyncRunStatus.rejected.value, now()
    run.message = f"Angehaltene Lieferung verworfen von {getattr(by, 'email', 'unbekannt')}"[:500]
    db.session.flush()
    record("sync_discard", "sync_run", run.id, by=by, channel="admin")


def dismiss_rejected(rejected: RejectedRecord, *, by) -> None:
    """Close a quarantined record without importing it (e.g. the source corrects it in its next file)."""
    rejected.status, rejected.resolved_at, rejected.resolved_by_id = (
        RejectedStatus.dismissed.value,
        now(),
        getattr(by, "id", None),
    )
    db.session.flush()
    record("dismiss", "rejected_record", rejected.id, by=by, channel="admin")
