"""Household pages beyond the list: create, edit (label, head, members), place the whole household from
a ranked suggestion or a chosen shelter, relocate and move it out — every move through a confirmation."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_security import current_user

from caseapp.admin.i18n import code_label
from caseapp.auth.roles import CASEWORKER, SHELTER_MANAGER, WRITE_PERSONS, has_any
from caseapp.codelists import PersonState, ShelterState
from caseapp.extensions import db
from caseapp.fieldrules import digits
from caseapp.people.access import visible_persons
from caseapp.people.models import Person
from caseapp.shelters.models import Shelter
from caseapp.workflows.errors import InvalidInput, TransitionRefused

# "arrive" first: a family announced together arrives together (one step for all, then one placement).
HOUSEHOLD_EVENTS = ("arrive", "allocate", "relocate", "move_out")


class HouseholdActions:
    """Mixed into the household view (admin/households.py); the operations live in people/households.py."""

    form_columns = ("label",)

    @property
    def can_create(self) -> bool:
        return has_any(current_user, WRITE_PERSONS)

    def create_model(self, form):
        from caseapp.people.households import create_household

        try:
            household = create_household(by=current_user, label=form.label.data, channel="admin")
        except InvalidInput as exc:
            db.session.rollback()
            flash(_("Not saved: %(message)s", message=str(exc)), "error")
            return False
        db.session.commit()
        return household

    def get_save_return_url(self, model, is_created=False):
        return (
            self.get_url(".details_view", id=model.id) if model is not None else self.get_url(".index_view")
        )

    def household_context(self, household, members) -> dict:
        """What the details page needs beyond the members: events, shelters, suggestions."""
        from caseapp.shelters.placement.ranking import suggestions

        may_move = has_any(current_user, {CASEWORKER, SHELTER_MANAGER})
        waiting = [m for m in members if m.state in (PersonState.arrived, PersonState.housed)]
        shelters = db.session.execute(db.select(Shelter.id, Shelter.name)
                                      .where(Shelter.state == ShelterState.open)
                                      .order_by(Shelter.name)).all()
        announced = any(m.state == PersonState.announced for m in members)
        events = [(e, code_label("event", e)) for e in HOUSEHOLD_EVENTS
                  if (has_any(current_user, {CASEWORKER}) or e in ("allocate", "relocate"))
                  and (e != "arrive" or announced)]
        return {"may_edit": has_any(current_user, WRITE_PERSONS), "may_move": may_move,
                "events": events if may_move else [], "shelters": shelters,
                "suggestions": suggestions(waiting)[:10] if may_move and waiting else []}

    @expose("/edit-household/<int:household_id>/", methods=("POST",))
    def edit_household(self, household_id: int):
        from caseapp.people.households import update_household

        if not has_any(current_user, WRITE_PERSONS):
            abort(403)
        household = self.get_one(household_id)
        visible = set(db.session.scalars(visible_persons(current_user, db.select(Person.id))
                                         .where(Person.household_id == household.id)))
        head = request.form.get("head_id", "")
        remove = [int(v) for v in request.form.getlist("remove") if digits(v) and int(v) in visible]
        try:
            update_household(household, by=current_user, label=request.form.get("label"),
                             head_id=int(head) if digits(head) and int(head) in visible else None,
                             remove_ids=remove, channel="admin")
        except InvalidInput as exc:
            db.session.rollback()
            flash(_("Not saved: %(message)s", message=str(exc)), "error")
        else:
            db.session.commit()
            flash(_("Household saved"), "success")
        return redirect(self.get_url(".details_view", id=household.id))

    @expose("/move/<int:household_id>/", methods=("POST",))
    def move_household(self, household_id: int):
        """Allocate, relocate or move out the whole household: first a confirmation page naming every
        member and the target, then (confirmed) the operation in one transaction."""
        from caseapp.admin.people_actions import _date, _int
        from caseapp.people.households import household_event

        event = request.form.get("event", "")
        if event not in HOUSEHOLD_EVENTS or not has_any(current_user, {CASEWORKER, SHELTER_MANAGER}):
            abort(403 if event in HOUSEHOLD_EVENTS else 400)
        if not has_any(current_user, {CASEWORKER}) and event in ("arrive", "move_out"):
            abort(403)
        household = self.get_one(household_id)
        members = db.session.scalars(visible_persons(current_user).where(Person.household_id == household.id)
                                     .order_by(Person.family_name, Person.given_names)).all()
        shelter_id = request.form.get("shelter_id", "")
        shelter = db.session.get(Shelter, int(shelter_id)) if digits(shelter_id) else None
        if request.form.get("confirmed") != "1":
            return self.render("admin/people/household_confirm.html", household=household, members=members,
                               event=event, shelter=shelter, form=request.form)
        try:
            household_event(household, event, by=current_user, on=_date(request.form.get("date")),
                            reason=(request.form.get("reason") or "").strip() or None,
                            shelter_id=_int(shelter_id), channel="admin",
                            override_reason=(request.form.get("override_reason") or "").strip() or None)
        except (InvalidInput, TransitionRefused) as exc:
            db.session.rollback()
            flash(_("Not done: %(message)s", message=getattr(exc, "message", None) or str(exc)), "error")
        else:
            db.session.commit()
            flash(_("Done: %(event)s for the whole household", event=code_label("event", event)), "success")
        return redirect(url_for(".details_view", id=household.id))
