"""What the start page shows each user: search, follow-ups, persons waiting for a bed, free beds, last syncs.

Every panel appears only for the roles that may see its content (the same rules as the pages it links
to): the search and the persons waiting for a bed for those who read persons (narrowed by
people/access.py), free beds for those who allocate or manage shelters (figures, no names), the last sync
run per source for admins (every source) and caseworkers (their offices' sources), follow-ups for
caseworkers. One small query per panel; nothing is audited as a read of a person except the names
listed, which are the same a list page shows.
"""
from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from caseapp.auth.roles import ADMIN, CASEWORKER, SHELTER_MANAGER, has_any
from caseapp.codelists import PersonState, ShelterState
from caseapp.extensions import db

WAITING_SHOWN = 10


def search_panel(user) -> dict | None:
    if has_any(user, {CASEWORKER}):
        return {"action": url_for("person.search_view")}
    if has_any(user, {SHELTER_MANAGER}):
        return {"action": url_for("resident.search_view")}
    return None


def waiting_panel(user) -> dict | None:
    """Persons who arrived and have no bed yet, oldest registration first."""
    from caseapp.people.access import visible_persons
    from caseapp.people.models import Person

    if not has_any(user, {CASEWORKER, SHELTER_MANAGER}):
        return None
    waiting = visible_persons(user, select(Person)).where(Person.state == PersonState.arrived)
    count = db.session.scalar(select(func.count()).select_from(waiting.subquery()))
    persons = db.session.scalars(waiting.order_by(Person.created_at, Person.id).limit(WAITING_SHOWN)).all()
    endpoint = "person" if has_any(user, {CASEWORKER}) else "resident"
    return {"count": count or 0, "persons": persons, "endpoint": endpoint}


def free_beds_panel(user) -> dict | None:
    """Free beds in every open shelter today (fire-safety cap and blocked beds applied)."""
    from caseapp.shelters.models import Shelter
    from caseapp.shelters.queries import capacity

    if not has_any(user, {ADMIN, CASEWORKER, SHELTER_MANAGER}):
        return None
    shelters = db.session.scalars(
        select(Shelter).where(Shelter.state == ShelterState.open).order_by(Shelter.name)).all()
    rows = [{"name": s.name, "id": s.id, **capacity(s)} for s in shelters]
    return {"rows": rows, "free": sum(r["free"] for r in rows)}


def sync_panel(user) -> dict | None:
    """The newest run of each source the user may see runs of, with its rejected records."""
    from caseapp.admin.sources import RUN_LABELS
    from caseapp.sources.models import Source, SyncRun

    if not has_any(user, {ADMIN, CASEWORKER}):
        return None
    newest = (select(SyncRun.source_code, func.max(SyncRun.id).label("id")).group_by(SyncRun.source_code)
              .subquery())
    stmt = (select(SyncRun, Source.name).join(newest, newest.c.id == SyncRun.id)
            .join(Source, Source.code == SyncRun.source_code).order_by(SyncRun.source_code))
    if not has_any(user, {ADMIN}):
        stmt = stmt.where(SyncRun.source_code.in_(sorted(user.office_codes)))
    return {"runs": [{"run": run, "source": name, "status": RUN_LABELS.get(run.status, run.status)}
                     for run, name in db.session.execute(stmt).all()]}


def panels(user) -> dict:
    return {"search": search_panel(user), "waiting": waiting_panel(user), "free_beds": free_beds_panel(user),
            "syncs": sync_panel(user), "follow_ups": follow_up_panel(user)}


def follow_up_panel(user) -> dict | None:
    """The user's own follow-ups due today or overdue, for caseworkers (casework/queries.py)."""
    from caseapp.casework.queries import due_for

    if not has_any(user, {CASEWORKER}):
        return None
    return {"items": due_for(user)}
