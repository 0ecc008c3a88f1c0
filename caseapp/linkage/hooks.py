"""The calls from the importer into record linkage.

`caseapp.sources.operations.import_delivery` links a delivery's new records before it writes them:
`before_create` allocates the ids the new persons would get, scores the records against each other and
the known persons that share a blocking key with them (linker.link_records) and marks each record that
links automatically with the person it belongs to, so the importer attaches it to that person as it
attaches a record by its AZR number; no person is created and merged again. `after_create`, once the
run's persons are written, stores a Link row per attached record (the why and the model version) and
the review pairs of the new persons, and returns the counts the import summary reports.

`after_import` links persons that already exist (written without linkage first), merging each link into
the older id (linker.link_persons).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Prelinked:
    """What `before_create` decided for one run: the allocated person ids of the run's new records (by
    id() of the importer's Item) and linkage's decisions, None when none were made."""

    ids: dict[int, int] = field(default_factory=dict)
    decided: object | None = None


def before_create(source: str, creates: list) -> Prelinked:
    """Decide the new records (importer Items) of a run; sets `item.link_person_id` and
    `item.link_rule` on those that link automatically."""
    todo = [i for i in creates if i.link_person_id is None]
    if not todo:  # a re-delivery without new keys loads no linkage library (pandas, DuckDB, Splink)
        return Prelinked()
    from caseapp.linkage import features, linker
    from caseapp.sources import bulk

    ids = dict(zip((id(i) for i in todo), bulk.allocate_ids("person", len(todo))))
    incoming, keys = {}, {}
    for item in todo:
        pid = ids[id(item)]
        f = item.parsed.fields
        incoming[pid] = features.Identity(
            pid, f.get("family_name"), f.get("given_names"), f.get("birth_date"),
            f.get("birth_precision") or "day", f.get("sex") or "x", list(item.parsed.nationalities or []),
            f.get("postcode"), f.get("street"), f.get("house_number"),
            None if item.azr_doubt else f.get("azr_number"))
        keys[pid] = item.parsed.key
    decided = linker.link_records(incoming, keys, source=source)
    for item in todo:
        d = decided.links.get(ids[id(item)])
        if d is not None:
            item.link_person_id, item.link_rule = d.links_to, d.rule
    return Prelinked(ids, decided)


def after_create(prelinked: Prelinked, new_person_ids: list[int], *, by: str, channel: str | None = None
                 ) -> dict[str, int]:
    """{"linked": records attached to a person known from another source, "queued": pairs put into the
    review queue, "new_persons": persons the run created}; `by` is the run's actor label."""
    from caseapp.linkage import linker

    if prelinked.decided is None:
        return {"linked": 0, "queued": 0, "new_persons": len(new_person_ids)}
    return linker.record_links(prelinked.decided, new_person_ids, actor=by, channel=channel).as_dict()


def after_import(run, new_person_ids: list[int], *, by: str) -> dict[str, int]:
    """{"linked": records attached to a person known from another source, "queued": pairs put into the
    review queue, "new_persons": persons the run leaves as new}; `by` is the run's actor label."""
    from caseapp.linkage.linker import link_persons

    source = getattr(run, "source_code", None) or str(run)
    return link_persons(new_person_ids, source=source, actor=by or f"source:{source}").as_dict()
