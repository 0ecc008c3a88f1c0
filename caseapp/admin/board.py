"""The occupancy board: every shelter's fill level, and per shelter a room x bed grid to allocate from."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_security import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from caseapp.admin.base import SecureBaseView
from caseapp.admin.people_actions import run_from_form
from caseapp.audit.reads import audit_read
from caseapp.auth.roles import ADMIN, ALLOCATE, CASEWORKER, SHELTER_MANAGER, has_any
from caseapp.codelists import PersonState, ShelterState
from caseapp.extensions import db
from caseapp.fieldrules import digits
from caseapp.people.access import get_visible_person, visible_persons
from caseapp.people.models import Person
from caseapp.shelters.board import board_rows
from caseapp.shelters.models import Room, Shelter, Stay
from caseapp.shelters.placement.rules import Mover, breaches, refusal, sleepers_by_room
from caseapp.shelters.queries import active_stay, for_state, shelters_capacity

# How many allocation candidates a select offers (sorted by name); more means searching the person list.
CANDIDATE_LIMIT = 300


def fill_class(figures: dict, state: str = "open") -> str:
    """Bootstrap colour of a shelter by fill level: green below 80 %, yellow up to full, red when full;
    grey for a shelter that is not open (it has no free beds to offer)."""
    if state != ShelterState.open:
        return "secondary"
    if figures["capacity"] <= 0 or figures["free"] <= 0:
        return "danger"
    if figures["occupied"] / figures["capacity"] >= 0.8:
        return "warning"
    return "success"


def person_suggestions(person, limit: int = 5, allow_state: str | None = None) -> list[dict]:
    """Ranked placements for the person page (shelters/placement/ranking.py), for users who may allocate."""
    from caseapp.shelters.placement.ranking import suggestions

    placeable = (PersonState.arrived, PersonState.housed, allow_state)
    if not has_any(current_user, ALLOCATE) or person.state not in placeable:
        return []
    return suggestions([person])[:limit]


class BoardView(SecureBaseView):
    allowed_roles = frozenset({ADMIN, SHELTER_MANAGER, CASEWORKER})

    @property
    def may_allocate(self) -> bool:
        return has_any(current_user, ALLOCATE)

    @expose("/")
    def index(self):
        shelters = db.session.scalars(select(Shelter).where(Shelter.state != ShelterState.closed)
                                      .options(selectinload(Shelter.rooms)).order_by(Shelter.name)).all()
        rows = []
        figures_of = shelters_capacity(shelters)  # one query for all, not one per shelter
        for shelter in shelters:
            figures = for_state(figures_of[shelter.id], shelter.state)
            rows.append({"shelter": shelter, "figures": figures, "fill": fill_class(figures, shelter.state)})
        # The sum line counts open shelters only: a planned shelter's beds cannot be allocated yet.
        totals = {k: sum(r["figures"][k] for r in rows if r["shelter"].state == ShelterState.open)
                  for k in ("beds", "blocked", "occupied", "free")}
        return self.render("admin/board/index.html", rows=rows, totals=totals, finder=self._finder())

    def _finder(self) -> dict:
        """The free-bed finder across shelters: household size, kind and a barrier-free need (no person)."""
        from caseapp.shelters.placement.ranking import COMPOSITIONS, find_beds

        args = request.args
        size = args.get("size", "")
        composition = args.get("composition", "")
        found = None
        if digits(size) and 1 <= int(size) <= 12 and composition in COMPOSITIONS:
            found = find_beds(composition, int(size), accessible=args.get("accessible") == "1")
        kinds = [("frau", _("Woman (with daughters)")), ("frau_kinder", _("Woman with children")),
                 ("mann", _("Man (with sons)")), ("familie", _("Family (woman, man, children)"))]
        return {"size": size, "composition": composition, "accessible": args.get("accessible") == "1",
                "kinds": kinds, "found": found}

    @expose("/<int:shelter_id>/")
    def shelter(self, shelter_id: int):
        shelter = db.session.get(Shelter, shelter_id) or abort(404)
        ids = db.session.scalars(select(Stay.person_id).join(Room, Room.id == Stay.room_id)
                                 .where(Room.shelter_id == shelter.id, Stay.end_date.is_(None))).all()
        # Names only for persons this user may see; everyone else is sex, age band and household marker.
        visible = set(db.session.scalars(visible_persons(current_user, select(Person.id))
                                         .where(Person.id.in_(ids)))) if ids else set()
        rows, totals = board_rows(shelter, visible_ids=visible)
        audit_read("person", visible, by=current_user, channel="admin", what="board")
        return self.render("admin/board/shelter.html", shelter=shelter, rows=rows, totals=totals,
                           may_allocate=self.may_allocate)

    @expose("/choose/")
    def choose(self):
        """The second step of a move from the board: for a room, choose who moves in; for a resident,
        choose the target room. Nothing is preselected; the confirmation page follows."""
        if not self.may_allocate:
            abort(403)
        room_id, person_id = request.args.get("room_id", ""), request.args.get("person_id", "")
        back = request.args.get("shelter_id_back", "")
        if digits(room_id):
            room = db.session.get(Room, int(room_id)) or abort(404)
            candidates = self._candidates()
            audit_read("person", {p.id for p in candidates}, by=current_user, channel="admin", what="board")
            return self.render("admin/board/choose.html", event="allocate", room=room, person=None,
                               candidates=candidates, targets=[], back=back)
        person = get_visible_person(db.session, current_user, int(person_id)) if digits(person_id) else None
        if person is None:
            abort(404)
        audit_read("person", {person.id}, by=current_user, channel="admin", what="board")
        current = active_stay(person.id)
        targets = [(i, label) for i, label in self._targets() if current is None or i != current.room_id]
        return self.render("admin/board/choose.html", event="relocate", room=None, person=person,
                           candidates=[], targets=targets, back=back,
                           suggestions=person_suggestions(person, allow_state="accommodated"))

    def _candidates(self):
        """Arrived persons the user may see, waiting for a bed."""
        stmt = (visible_persons(current_user).where(Person.state == PersonState.arrived)
                .order_by(Person.family_name, Person.given_names, Person.id).limit(CANDIDATE_LIMIT))
        return db.session.scalars(stmt).all()

    def _targets(self):
        """Rooms of open shelters that have a free bed now (fire-safety maximum applied), for relocations."""
        from caseapp.shelters.queries import free_beds_from

        shelters = db.session.scalars(select(Shelter).where(Shelter.state == ShelterState.open)
                                      .options(selectinload(Shelter.rooms)).order_by(Shelter.name)).all()
        free = free_beds_from(shelters, date.today())
        return [(room.id, f"{shelter.name} / {room.name}") for shelter in shelters for room in shelter.rooms
                if free.get(room.id, 0) > 0]

    @expose("/allocate/", methods=("POST",))
    def allocate(self):
        """Allocate (or relocate) a visible person into the chosen room. Without `confirmed` it only shows
        the confirmation page naming who goes where (and any protection rule the move would break);
        the operation checks bed and rules again when confirmed."""
        if not self.may_allocate:
            abort(403)
        person_id = request.form.get("person_id", "")
        person = get_visible_person(db.session, current_user, int(person_id)) if digits(person_id) else None
        if person is None:
            abort(404)
        event = request.form.get("event", "allocate")
        if event not in ("allocate", "relocate"):
            abort(400)
        room_id = request.form.get("room_id", "")
        room = db.session.get(Room, int(room_id)) if digits(room_id) else None
        if room is None:
            flash(_("Please choose a person and a room first"), "error")
            return self._back()
        if request.form.get("confirmed") != "1":
            return self._confirm(person, event, room)
        run_from_form(person, request.form, by=current_user)
        return self._back()

    def _back(self):
        person_id = request.form.get("person_id", "")
        if request.form.get("back_to_person") == "1" and digits(person_id):
            # back where the move started: the caseworker's person page or the manager's resident page
            endpoint = "person" if has_any(current_user, {CASEWORKER}) else "resident"
            return redirect(url_for(f"{endpoint}.details_view", id=int(person_id)))
        back = request.form.get("shelter_id_back", "")
        if digits(back):
            return redirect(url_for(".shelter", shelter_id=int(back)))
        return redirect(url_for(".index"))

    def _confirm(self, person, event: str, room: Room):
        on = date.today()
        try:
            on = date.fromisoformat(request.form.get("date") or on.isoformat())
        except ValueError:
            pass
        sleepers = sleepers_by_room([room.id], on, exclude_person_ids=[person.id])[room.id]
        broken = breaches(Mover.of(person, on), room, sleepers)
        current = active_stay(person.id)
        audit_read("person", [person.id], by=current_user, channel="admin", what="confirm")
        return self.render("admin/board/confirm.html", person=person, event=event, room=room,
                           current=current.room if current else None, on=on,
                           refusal=refusal(broken, room) if broken else None,
                           may_override=has_any(current_user, {SHELTER_MANAGER}),
                           form=request.form)
