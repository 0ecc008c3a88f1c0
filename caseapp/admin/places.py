"""Admin page "Plätze": Kita and school places per district and year, entered by analysts or imported
from the school office's CSV list (docs/places-csv.md). Only analysts enter places (interfaces.md:
analysts do the planning figures; admins manage users, offices, sources and shelters); everyone who
reads aggregates sees them beside the forecast."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_security import current_user

from caseapp.admin.base import SecureBaseView
from caseapp.auth.roles import ENTER_PLACES
from caseapp.districts.models import PLACE_KINDS, District, DistrictPlaces
from caseapp.districts.places import PlacesError, import_csv, places_for_years, set_places
from caseapp.extensions import db
from caseapp.fieldrules import digits

MAX_UPLOAD = 1024 * 1024


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
        return self.render("admin/stats/places.html", year=year, districts=districts, kinds=PLACE_KINDS,
                           own=own, effective=effective)

    @expose("/save", methods=("POST",))
    def save(self):
        try:
            year = int(request.form.get("year", ""))
        except ValueError:
            year = 0
        if not 2000 <= year <= 2100:
            flash("Bitte ein Jahr von 2000 bis 2100 angeben.", "error")
            return redirect(url_for(".index"))
        numbers = set(db.session.scalars(db.select(District.number)))
        errors, values = [], []
        for number in sorted(numbers):
            for kind, label in PLACE_KINDS.items():
                raw = (request.form.get(f"p-{number}-{kind}") or "").strip()
                if raw and not digits(raw):
                    errors.append(f"Stadtteil {number}, {label}: „{raw}“ ist keine ganze Zahl ab 0")
                    continue
                values.append((number, kind, int(raw) if raw else None))
        if errors:
            for e in errors:
                flash(e, "error")
            return redirect(url_for(".index", year=year))
        for number, kind, n in values:
            set_places(number, kind, year, n, user=current_user)
        db.session.commit()
        flash(f"Plätze für das Jahr {year}/{(year + 1) % 100:02d} gespeichert.", "success")
        return redirect(url_for(".index", year=year))

    @expose("/import", methods=("POST",))
    def upload(self):
        file = request.files.get("file")
        data = file.read(MAX_UPLOAD + 1) if file else b""
        if not data:
            flash("Bitte eine CSV-Datei wählen.", "error")
            return redirect(url_for(".index"))
        if len(data) > MAX_UPLOAD:
            flash("Die Datei ist größer als 1 MB.", "error")
            return redirect(url_for(".index"))
        try:
            result = import_csv(data, user=current_user, file_name=(file.filename or "")[:100])
        except PlacesError as exc:
            db.session.rollback()
            flash("Die Datei wurde nicht übernommen (nichts geändert):", "error")
            for e in exc.errors:
                flash(e, "error")
            return redirect(url_for(".index"))
        db.session.commit()
        flash(f"Übernommen: {result.values} Platzzahlen aus {result.rows} Zeilen, davon "
              f"{len(result.changed)} geändert.", "success")
        return redirect(url_for(".index"))


def register(admin) -> None:
    admin.add_view(PlacesView(name="Plätze", endpoint="stats_places", url="/admin/stats/plaetze",
                              category="Auswertungen"))
