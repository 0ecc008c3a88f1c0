"""Shelter views (rooms inline, capacity, open/close, blocked beds) and the read-only district list."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_security import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import IntegerField, SelectField, StringField, TextAreaField, validators
from wtforms.fields.choices import SelectChoice

from caseapp.admin.base import CsrfForm, SecureModelView
from caseapp.admin.i18n import code_label
from caseapp.admin.people_detail import german_date
from caseapp.auth.roles import ADMIN, MANAGE_SHELTERS
from caseapp.codelists import ShelterState
from caseapp.districts.models import District
from caseapp.extensions import db
from caseapp.fieldrules import digits
from caseapp.shelters.models import Room, Shelter
from caseapp.shelters.queries import capacity, for_state, rooms_capacity
from caseapp.workflows import allowed_events
from caseapp.workflows.errors import InvalidInput, TransitionRefused
from caseapp.workflows.history import history

FIGURES = ("beds", "blocked", "occupied", "free")


def _figure(name):
    def show(v, c, s, n):
        if name == "free" and s.state != ShelterState.open:
            return "–"  # only an open shelter has beds to offer
        return g.get("caseapp_capacity", {}).get(s.id, {}).get(name, "")

    return show


class ShelterForm(CsrfForm):
    name = StringField(_l("Name"), [validators.InputRequired(), validators.Length(max=200)])
    district = SelectField(_l("District"))
    street = StringField(_l("Street"), [validators.Optional(), validators.Length(max=200)])
    house_number = StringField(_l("House number"), [validators.Optional(), validators.Length(max=20)])
    postcode = StringField(_l("Postcode"), [validators.Optional(), validators.Length(min=5, max=5)])
    operator = StringField(_l("Operator"), [validators.Optional(), validators.Length(max=200)])
    fire_safety_max = IntegerField(_l("Maximum occupants (fire safety)"), [validators.Optional()])
    rooms = TextAreaField(
        _l("Rooms (one per line: name;beds;features)"),
        [validators.InputRequired()],
        description=_l("Features, comma-separated: barrierefrei, familie, frauen, gemischt"),
        render_kw={"rows": 6, "placeholder": "1.01;4\n1.02;2;barrierefrei,familie"},
    )


# Room features as a caseworker writes them after the beds ("1.01;4;barrierefrei, familie").
ROOM_FEATURES = {"barrierefrei": "accessible", "familie": "family", "frauen": "women_only",
                 "gemischt": "mixed", "accessible": "accessible", "family": "family", "women": "women_only",
                 "mixed": "mixed"}


def parse_rooms(text: str) -> list[dict]:
    """'1.01;4' or '1.01;4;barrierefrei,familie,frauen' per line -> [{"name": "1.01", "beds": 4, ...}];
    malformed lines are reported, not guessed."""
    rooms = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, rest = line.partition(";")
        beds, _sep, features = rest.partition(";")
        if not digits(beds.strip()):
            raise InvalidInput("rooms", _("line %(n)s: please write name;beds, e.g. 1.01;4", n=number))
        room = {"name": name.strip(), "beds": int(beds.strip())}
        for word in (w.strip().lower() for w in features.split(",") if w.strip()):
            if word not in ROOM_FEATURES:
                message = _("line %(n)s: unknown feature %(word)s (barrierefrei, familie, frauen, gemischt)",
                            n=number, word=word)
                raise InvalidInput("rooms", message)
            room[ROOM_FEATURES[word]] = True
        rooms.append(room)
    return rooms


class ShelterView(SecureModelView):
    """Shelters with capacity figures; created through create_shelter, opened and closed by POST."""

    allowed_roles = MANAGE_SHELTERS
    form = ShelterForm
    can_create = True
    can_edit = can_delete = False
    column_list = ("name", "district_number", "state", *FIGURES)
    column_sortable_list = ("name", "district_number", "state")
    column_default_sort = ("name", False)
    column_searchable_list = ("name",)
    column_labels = {"name": _l("Name"), "district_number": _l("District"), "state": _l("State"),
                     "beds": _l("Beds"), "blocked": _l("Blocked"), "occupied": _l("Occupied"),
                     "free": _l("Free")}
    column_formatters = {"state": lambda v, c, s, n: code_label("state", s.state),
                         **{f: _figure(f) for f in FIGURES}}
    details_template = "admin/shelters/details.html"

    def get_query(self):
        return db.session.query(Shelter).options(selectinload(Shelter.rooms))

    def get_list(self, *args, **kwargs):
        count, data = super().get_list(*args, **kwargs)
        g.caseapp_capacity = {s.id: capacity(s) for s in data}
        return count, data

    def get_one(self, id):
        shelter = db.session.get(Shelter, int(id)) if digits(str(id)) else None
        if shelter is None:
            abort(404)
        return shelter

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.district.choices = [SelectChoice(d.number, str(d)) for d in
                                 db.session.scalars(select(District).order_by(District.number))]
        return form

    def create_model(self, form):
        from caseapp.shelters.operations import create_shelter

        try:
            fields = {k: getattr(form, k).data or None for k in
                      ("street", "house_number", "postcode", "operator", "fire_safety_max")}
            shelter = create_shelter(by=current_user, name=form.name.data, district=form.district.data,
                                     rooms=parse_rooms(form.rooms.data), channel="admin", **fields)
        except (InvalidInput, TransitionRefused) as exc:
            db.session.rollback()
            flash(_("Not saved: %(message)s", message=str(exc)), "error")
            return False
        db.session.commit()
        return shelter

    @expose("/details/")
    def details_view(self):
        shelter = self.get_one(request.args.get("id"))
        figures = rooms_capacity(shelter)
        steps = [{"date": german_date(t.occurred_on), "event": code_label("event", t.event),
                  "to": code_label("state", t.to_state),
                  "by": t.by_user.email if t.by_user else t.by_label, "reason": t.reason or ""}
                 for t in history("shelter", shelter.id)]
        return self.render(self.details_template, shelter=shelter,
                           total=for_state(capacity(shelter), shelter.state), rooms=figures,
                           events=[(e, code_label("event", e)) for e in allowed_events(shelter)],
                           steps=steps, return_url=self.get_url(".index_view"),
                           features=[("barrierefrei", "accessible", _("accessible")),
                                     ("familie", "family", _("family")),
                                     ("frauen", "women_only", _("women only")),
                                     ("gemischt", "mixed", _("mixed"))])

    @expose("/event/<int:shelter_id>/", methods=("POST",))
    def event_view(self, shelter_id: int):
        from caseapp.shelters.operations import shelter_event

        shelter = self.get_one(shelter_id)
        event = request.form.get("event", "")
        self._run(lambda: shelter_event(shelter, event, by=current_user,
                                        reason=request.form.get("reason") or None, channel="admin"),
                  _("Done: %(event)s", event=code_label("event", event)))
        return redirect(url_for(".details_view", id=shelter.id))

    @expose("/rooms/<int:shelter_id>/", methods=("POST",))
    def rooms_view(self, shelter_id: int):
        from caseapp.shelters.operations import add_rooms

        shelter = self.get_one(shelter_id)
        self._run(lambda: add_rooms(shelter, parse_rooms(request.form.get("rooms", "")), by=current_user,
                                    channel="admin"),
                  _("Rooms added"))
        return redirect(url_for(".details_view", id=shelter.id))

    @expose("/block/<int:room_id>/", methods=("POST",))
    def block_view(self, room_id: int):
        from caseapp.shelters.operations import set_blocked_beds

        room = db.session.get(Room, room_id) or abort(404)
        count = request.form.get("blocked_beds", "")
        self._run(lambda: set_blocked_beds(room, int(count) if digits(count) else -1, by=current_user,
                                           reason=request.form.get("reason", ""), channel="admin"),
                  _("Blocked beds of room %(room)s changed", room=room.name))
        return redirect(url_for(".details_view", id=room.shelter_id))

    @expose("/features/<int:room_id>/", methods=("POST",))
    def features_view(self, room_id: int):
        """Room features as the shelter manager marks them (e.g. gemischt), audited."""
        from caseapp.shelters.operations import set_room_features

        room = db.session.get(Room, room_id) or abort(404)
        self._run(lambda: set_room_features(room, request.form.getlist("features"), by=current_user,
                                            channel="admin"),
                  _("Features of room %(room)s saved", room=room.name))
        return redirect(url_for(".details_view", id=room.shelter_id))

    def _run(self, operation, success: str) -> None:
        try:
            operation()
        except (InvalidInput, TransitionRefused) as exc:
            db.session.rollback()
            flash(_("Not done: %(message)s", message=getattr(exc, "message", None) or str(exc)), "error")
            return
        db.session.commit()
        flash(success, "success")


class DistrictView(SecureModelView):
    """The city's 23 districts with their names; read-only."""

    allowed_roles = frozenset({ADMIN})
    can_create = can_edit = can_delete = False
    can_view_details = False
    column_list = ("number", "name")
    column_labels = {"number": _l("Number"), "name": _l("Name")}
    column_default_sort = ("number", False)
    column_sortable_list = ("number", "name")


def register(admin) -> None:
    """Adds shelters, the occupancy board and districts to the admin."""
    from caseapp.admin.board import BoardView, person_suggestions

    admin.app.context_processor(lambda: {"caseapp_suggestions": person_suggestions})
    admin.add_view(ShelterView(Shelter, db, name=_l("Shelters"), endpoint="shelter", category=_l("Shelters")))
    admin.add_view(BoardView(name=_l("Occupancy board"), endpoint="board", url="board",
                             category=_l("Shelters")))
    admin.add_view(DistrictView(District, db, name=_l("Districts"), endpoint="district"))
