"""The one call from the importer into record linkage, after a run's records are written.

`caseapp.sources.operations.import_delivery` calls `after_import` once per run, inside the run's
transaction, with the ids of the persons the run created (records whose (source, key) was new and
that no AZR number tied to a known person). Linkage attaches them to known persons (a merge into the
older id) or queues pairs (linker.py, linkage.md), and returns the counts the import summary reports.
"""
from __future__ import annotations


def after_import(run, new_person_ids: list[int], *, by: str) -> dict[str, int]:
    """{"linked": records attached to a person known from another source, "queued": pairs put into the
    review queue, "new_persons": persons the run leaves as new}; `by` is the run's actor label."""
    from caseapp.linkage.linker import link_persons

    source = getattr(run, "source_code", None) or str(run)
    return link_persons(new_person_ids, source=source, actor=by or f"source:{source}").as_dict()
