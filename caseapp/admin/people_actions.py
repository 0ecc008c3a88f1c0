"""Turns a submitted transition form into a run_transition call; the request commits or rolls back."""
from __future__ import annotations

from datetime import date

from flask import flash
from flask_babel import gettext as _

from caseapp.admin.i18n import code_label
from caseapp.extensions import db
from caseapp.fieldrules import digits
from caseapp.workflows.errors import InvalidInput, TransitionRefused


def _date(text: str | None) -> date | None:
    """The browser's date field sends YYYY-MM-DD; an empty field means today (the operation decides)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("date", _("“%(value)s” is not a date", value=text)) from None


def _int(text: str | None) -> int | None:
    if not text:
        return None
    if not digits(text):
        raise InvalidInput("room", _("Please choose a shelter or room from the list"))
    return int(text)


def run_from_form(person, form, *, by) -> bool:
    """Run the event named in the form for the person; flash the outcome in the user's language."""
    from caseapp.people.operations import run_transition

    event = form.get("event", "")
    try:
        run_transition(
            person, event, by=by, on=_date(form.get("date")),
            reason=(form.get("reason") or "").strip() or None, shelter_id=_int(form.get("shelter_id")),
            room_id=_int(form.get("room_id")), channel="admin",
            override_reason=(form.get("override_reason") or "").strip() or None,
        )
    except (TransitionRefused, InvalidInput) as exc:
        db.session.rollback()
        flash(_("Not done: %(message)s", message=getattr(exc, "message", None) or str(exc)), "error")
        return False
    db.session.commit()
    flash(_("Done: %(event)s (now: %(state)s)", event=code_label("event", event),
            state=code_label("state", person.state)), "success")
    return True
