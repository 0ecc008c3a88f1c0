"""Follow-ups and case notes on the caseworker's person page (the forms post here; writers in casework/)."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_security import current_user

from caseapp.extensions import db
from caseapp.workflows.errors import InvalidInput


def _due(text: str | None) -> date | None:
    """The browser's date field sends YYYY-MM-DD; a typed TT.MM.JJJJ is taken too."""
    text = (text or "").strip()
    try:
        if "." in text:
            day, month, year = (int(x) for x in text.split("."))
            return date(year, month, day)
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class CaseworkMixin:
    """For PersonView (caseworkers only, like the view): set and close follow-ups, write notes."""

    def extra_detail(self, person) -> dict:
        from caseapp.casework.queries import for_person

        return {"casework": for_person(current_user, person.id)}

    def _casework(self, person_id: int, change, done: str):
        person = self.get_one(person_id)  # 404 for a person the user may not see
        try:
            change(person)
        except InvalidInput as exc:
            db.session.rollback()
            flash(_("Not saved: %(message)s", message=exc.message), "error")
        else:
            db.session.commit()
            flash(done, "success")
        return redirect(self.get_url(".details_view", id=person.id) + "#casework")

    @expose("/followup/<int:person_id>/", methods=("POST",))
    def follow_up_view(self, person_id: int):
        from caseapp.casework.operations import add_follow_up

        return self._casework(person_id, lambda p: add_follow_up(
            p, by=current_user, due_on=_due(request.form.get("due_on")), text=request.form.get("text")),
            _("Follow-up set."))

    @expose("/followup/<int:person_id>/done/<int:follow_up_id>/", methods=("POST",))
    def follow_up_done_view(self, person_id: int, follow_up_id: int):
        from caseapp.casework.models import FollowUp
        from caseapp.casework.operations import close_follow_up

        def close(person):
            item = db.session.get(FollowUp, follow_up_id)
            mine = current_user.office_codes
            if item is None or item.person_id != person.id or item.office_code not in mine:
                raise InvalidInput("follow_up", _("This follow-up does not exist."))
            close_follow_up(item, by=current_user)

        return self._casework(person_id, close, _("Follow-up done."))

    @expose("/note/<int:person_id>/", methods=("POST",))
    def note_view(self, person_id: int):
        from caseapp.casework.operations import add_note

        text = request.form.get("text")
        return self._casework(person_id, lambda p: add_note(p, by=current_user, text=text), _("Note saved."))
