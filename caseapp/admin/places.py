"""Admin page "Plätze": Kita and school places per district and year, entered by analysts or imported
from the school office's CSV list (docs/places-csv.md). Only analysts enter places (interfaces.md:
analysts do the planning figures; admins manage users, offices, sources and shelters); everyone who
reads aggregates sees them beside the forecast."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_security import current_user

from caseapp.admin.base import SecureBaseView
from caseapp.auth.roles import ENTER_PLACES
from caseapp.districts.models import PLACE_KINDS, District, DistrictPlaces
from caseapp.districts.places import PlacesError, import_csv, places_for_years, set_places
from caseapp.extensions import db
from caseapp.fieldrules import digits

MAX_UPLOAD = 1024 * 1024
# What a person reads for districts.models.PLACE_KINDS (the German is in the catalog).
KIND_LABELS = {
    "krippe": _l("Crèche (under 3 years)"),
    "kita": _l("Kindergarten (3 years to school entry)"),
    "einschulung": _l("Primary school, first classes"),
    "grundschule": _l("Primary school, all classes"),
}


def planning_year(today: date | None = None) -> int:
    """The next Kita and school year (they start on 1 August)."""
    today = today or date.today()
    return today.year + 1 if (today.month, today.day) >= (8, 1) else today.year


class PlacesView(SecureBaseView):
    allowed_roles = ENTER_PLACES

    @expose("/")
    def index(self):
        try:
            year = int(request.args.get("year") or planning_year())
        except ValueError:
            year = planning_year()
        year = min(max(year, 2000), 2100)
        districts = db.session.scalars(db.select(District).order_by(District.number)).all()
        own = {(p.district_number, p.kind): p for p in
               db.session.scalars(db.select(DistrictPlaces).filter_by(year=year))}
        effective = places_for_years([year])
        kinds = {k: KIND_LABELS.get(k, v) for k, v in PLACE_KINDS.items()}
        return self.render("admin/stats/places.html", year=year, districts=districts, kinds=kinds,
                           own=own, effective=effective)

    @expose("/save", methods=("POST",))
    def save(self):
        try:
            year = int(request.form.get("year", ""))
        except ValueError:
            year = 0
        if not 2000 <= year <= 2100:
            flash(_("Please give a year from 2000 to 2100."), "error")
            return redirect(url_for(".index"))
        numbers = set(db.session.scalars(db.select(District.number)))
        errors, values = [], []
        for number in sorted(numbers):
            for kind in PLACE_KINDS:
                raw = (request.form.get(f"p-{number}-{kind}") or "").strip()
                if raw and not digits(raw):
                    errors.append(_("District %(number)s, %(kind)s: “%(value)s” is not a whole number from 0 "
                                    "up", number=number, kind=KIND_LABELS[kind], value=raw))
                    continue
                values.append((number, kind, int(raw) if raw else None))
        if errors:
            for e in errors:
                flash(e, "error")
            return redirect(url_for(".index", year=year))
        for number, kind, n in values:
            set_places(number, kind, year, n, user=current_user)
        db.session.commit()
        flash(_("Places for the year %(year)s saved.", year=f"{year}/{(year + 1) % 100:02d}"), "success")
        return redirect(url_for(".index", year=year))

    @expose("/import", methods=("POST",))
    def upload(self):
        file = request.files.get("file")
        data = file.read(MAX_UPLOAD + 1) if file else b""
        if not data:
            flash(_("Please choose a CSV file."), "error")
            return redirect(url_for(".index"))
        if len(data) > MAX_UPLOAD:
            flash(_("The file is larger than 1 MB."), "error")
            return redirect(url_for(".index"))
        try:
            result = import_csv(data, user=current_user, file_name=(file.filename or "")[:100])
        except PlacesError as exc:
            db.session.rollback()
            flash(_("The file was not taken over (nothing changed):"), "error")
            for e in exc.errors:
                flash(e, "error")
            return redirect(url_for(".index"))
        db.session.commit()
        flash(_("Taken over: %(values)s numbers of places from %(rows)s rows, %(changed)s of them changed.",
                values=result.values, rows=result.rows, changed=len(result.changed)), "success")
        return redirect(url_for(".index"))


def register(admin) -> None:
    admin.add_view(PlacesView(name=_l("Places"), endpoint="stats_places", url="/admin/stats/plaetze",
                              category=_l("Statistics")))
