"""Read side of follow-ups and notes: what an office sees on a person, what is due for a user."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.casework.models import CaseNote, FollowUp
from caseapp.extensions import db
from caseapp.localtime import local_datetime, local_today
from caseapp.people.access import visible_persons
from caseapp.people.models import Person


def _author(user) -> str:
    return user.email if user is not None else ""


def for_person(user, person_id: int) -> dict:
    """Open and done follow-ups and the notes of the user's offices on one person, newest notes first."""
    codes = sorted(user.office_codes)
    follow_ups = db.session.scalars(select(FollowUp).where(FollowUp.person_id == person_id,
                                                           FollowUp.office_code.in_(codes))
                                    .order_by(FollowUp.done_at.is_not(None), FollowUp.due_on)).all()
    notes = db.session.scalars(select(CaseNote).where(CaseNote.person_id == person_id,
                                                      CaseNote.office_code.in_(codes))
                               .order_by(CaseNote.created_at.desc(), CaseNote.id.desc())).all()
    today = local_today()
    return {
        "follow_ups": [{"id": f.id, "due": f.due_on.strftime("%d.%m.%Y"), "text": f.text,
                        "done": f.done_at is not None,
                        "overdue": f.done_at is None and f.due_on < today, "by": _author(f.created_by)}
                       for f in follow_ups],
        "notes": [{"text": n.text, "at": local_datetime(n.created_at), "by": _author(n.author),
                   "office": n.office_code} for n in notes],
        "today": today.isoformat(),
    }


def due_for(user, today: date | None = None) -> list[dict]:
    """The user's own open follow-ups due today or earlier, on persons the user may still see."""
    today = today or local_today()
    visible = visible_persons(user, select(Person.id)).scalar_subquery()
    rows = db.session.execute(
        select(FollowUp, Person).join(Person, Person.id == FollowUp.person_id)
        .where(FollowUp.created_by_id == user.id, FollowUp.done_at.is_(None), FollowUp.due_on <= today,
               FollowUp.person_id.in_(visible))
        .order_by(FollowUp.due_on, FollowUp.id).limit(50)).all()
    return [{"due": f.due_on.strftime("%d.%m.%Y"), "overdue": f.due_on < today, "person_id": p.id,
             "person": p.display_name, "text": f.text} for f, p in rows]
