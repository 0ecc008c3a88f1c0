"""Writers of follow-ups and case notes: validated, flushed, audited in the caller's transaction."""
from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete

from caseapp.audit.operations import record
from caseapp.casework.models import CaseNote, FollowUp
from caseapp.extensions import db
from caseapp.workflows.errors import InvalidInput


def office_for(user, person) -> str:
    """The office a user writes for: one of theirs that knows the person, else their first one."""
    mine = sorted(user.office_codes)
    known = sorted(o.office_code for o in person.offices if o.office_code in mine)
    if known:
        return known[0]
    if mine:
        return mine[0]
    raise InvalidInput("office", "Sie gehören keinem Amt an")


def _text(field: str, text, limit: int) -> str:
    text = " ".join(str(text or "").split())
    if not text:
        raise InvalidInput(field, "Bitte einen Text eingeben")
    if len(text) > limit:
        raise InvalidInput(field, f"Höchstens {limit} Zeichen")
    return text


def add_follow_up(person, *, by, due_on: date | None, text, channel: str = "admin") -> FollowUp:
    if not isinstance(due_on, date):
        raise InvalidInput("due_on", "Bitte ein Fälligkeitsdatum angeben (TT.MM.JJJJ)")
    item = FollowUp(person_id=person.id, office_code=office_for(by, person), due_on=due_on,
                    text=_text("text", text, 500), created_by_id=by.id)
    db.session.add(item)
    db.session.flush()
    record("create", "follow_up", item.id, by=by, office=item.office_code, channel=channel,
           detail=f"person={person.id}")
    return item


def close_follow_up(item: FollowUp, *, by, channel: str = "admin") -> None:
    if item.done_at is not None:
        return
    item.done_at, item.done_by_id = datetime.now(UTC).replace(tzinfo=None), by.id
    db.session.flush()
    record("update", "follow_up", item.id, by=by, office=item.office_code, channel=channel,
           detail=f"person={item.person_id},result=done")


def add_note(person, *, by, text, channel: str = "admin") -> CaseNote:
    note = CaseNote(person_id=person.id, office_code=office_for(by, person), text=_text("note", text, 1000),
                    author_id=by.id)
    db.session.add(note)
    db.session.flush()
    record("create", "case_note", note.id, by=by, office=note.office_code, channel=channel,
           detail=f"person={person.id}")
    return note


def erase_for(person_id: int) -> int:
    """Anonymisation (privacy/operations.py): the person's follow-ups and notes are free text about them."""
    gone = db.session.execute(delete(FollowUp).where(FollowUp.person_id == person_id)).rowcount
    gone += db.session.execute(delete(CaseNote).where(CaseNote.person_id == person_id)).rowcount
    return gone
