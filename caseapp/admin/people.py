"""Person views: lists narrowed by the access rules, detail with timeline, transitions, export. The
household view lives in admin/households.py; `register` adds all three."""
from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_security import current_user
from markupsafe import Markup
from sqlalchemy import exists, func, select
from sqlalchemy.orm import load_only, with_expression
from wtforms.fields.choices import SelectChoice

from caseapp.admin import people_detail as detail
from caseapp.admin.base import SecureModelView
from caseapp.admin.casework import CaseworkMixin
from caseapp.admin.households import HouseholdView
from caseapp.admin.i18n import code_label, language
from caseapp.admin.people_filters import allocation_filters, filter_groups, full_filters
from caseapp.admin.people_forms import PersonForm
from caseapp.admin.people_list import row_html, search_condition
from caseapp.admin.search import PostSearchMixin
from caseapp.audit.operations import record
from caseapp.audit.reads import refused_read
from caseapp.auth.roles import READ_PERSONS, SHELTER_MANAGER, WRITE_PERSONS, has_any
from caseapp.codelists import PersonState, ShelterState
from caseapp.extensions import db
from caseapp.linkage.queries import merged_into_visible
from caseapp.people.access import visible_persons
from caseapp.people.models import Household, Person, PersonOffice
from caseapp.shelters.models import Shelter
from caseapp.sources.fact_access import facts_for_person, readable_offices
from caseapp.workflows import allowed_events
from caseapp.workflows.errors import InvalidInput


class PersonBaseView(PostSearchMixin, SecureModelView):
    read_audit_type = "person"  # list pages and the edit form are audited reads (SecureModelView)
    """What both person views share: narrowing, batched page data, 404 for what the user may not see."""

    can_create = can_edit = can_delete = False
    column_default_sort = [("family_name", False), ("given_names", False), ("id", False)]
    column_sortable_list = (("name", ("family_name", "given_names")), ("birth", "birth_date"))
    # Enables the search box; the search itself is _apply_search below (trigram-indexed expression).
    column_searchable_list = ("family_name",)
    details_template = "admin/people/details.html"
    column_labels = {
        "name": _l("Name"), "birth": _l("Date of birth"), "sex": _l("Sex"), "state": _l("State"),
        "shelter": _l("Shelter / room"), "nationality": _l("Nationality"),
        "residence_status": _l("Residence status"), "district": _l("District"), "household": _l("Household"),
        "needs": _l("Needs"),
    }

    list_template = "admin/people/list.html"

    def scaffold_auto_joins(self):
        """No automatic joined loads: the district shows from the cached district names and the
        household (resident view) is loaded explicitly; the unused join cost ~2 ms per page."""
        return []

    def row_html(self, person) -> Markup:
        """One list row (admin/people/list.html); the cells are people_list.LIST_CELLS."""
        context = g.get("caseapp_row_context")
        if context is None:
            context = g.caseapp_row_context = (self.get_url(".details_view") + "?id=", language())
        return row_html(person, self._list_columns, *context)

    def search_placeholder(self) -> str:
        if self.full_record:
            return _("Name, date of birth, AZR number or no.")
        return _("Name, date of birth or no.")

    def narrowed(self, stmt):
        return visible_persons(current_user, stmt)

    # The columns a list page shows: loading only these makes each of the 50 rows cheaper to build.
    list_columns_loaded = ("family_name", "given_names", "anonymised_at", "birth_date", "birth_precision",
                           "sex", "state")

    def get_query(self):
        query = (db.session.query(Person).filter(self.narrowed(select(Person)).whereclause)
                 .options(with_expression(Person.current_room, detail.current_room_expression())))
        if request.endpoint and request.endpoint.endswith(".index_view"):  # not for exports
            query = query.options(load_only(*(getattr(Person, c) for c in self.list_columns_loaded)))
        return query

    def get_count_query(self):
        return db.session.query(func.count(Person.id)).filter(self.narrowed(select(Person)).whereclause)

    def _apply_search(self, query, count_query, joins, count_joins, search):
        first, descending = None, False
        page, sort_column, sort_desc, filtered, page_size = g.get("caseapp_list_args", (None,) * 5)
        page_size = self.page_size if page_size is None else page_size
        by_name = sort_column is None or sort_column == "name"
        if by_name and not filtered and page_size and count_query is None:
            first, descending = ((page or 0) + 1) * page_size, bool(sort_column and sort_desc)
        condition = search_condition(search, first, descending,
                                     visible=self.narrowed(select(Person)).whereclause, azr=self.full_record)
        if condition is not None:
            query = query.filter(condition)
            if count_query is not None:
                count_query = count_query.filter(condition)
        return query, count_query, joins, count_joins

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        # What _apply_search needs to know to take only the first matches (views are shared by threads).
        g.caseapp_list_args = (page, sort_column, sort_desc, bool(filters), page_size)
        return super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)

    def _get_filter_groups(self):
        return filter_groups(self)

    def get_one(self, id):
        try:
            person_id = int(id)
        except (TypeError, ValueError):
            abort(404)
        person = db.session.scalar(self.narrowed(select(Person)).where(Person.id == person_id))
        if person is None:
            survivor = merged_into_visible(person_id, self.narrowed(select(Person.id)))
            if survivor is not None:  # a merged id leads to the person it became part of
                abort(redirect(url_for(request.endpoint, **{**request.args.to_dict(), "id": survivor})))
            refused_read("person", person_id, by=current_user, channel="admin")
            abort(404)  # exactly as for an id that does not exist
        return person

    def _household_url(self, person) -> str | None:
        """The household page, for a user who may open it (READ_PERSONS) and see that household."""
        from caseapp.people.access import get_visible_household

        if person.household_id is None or not has_any(current_user, READ_PERSONS):
            return None
        if get_visible_household(db.session, current_user, person.household_id) is None:
            return None
        return url_for("household.details_view", id=person.household_id)

    @expose("/details/")
    def details_view(self):
        person = self.get_one(request.args.get("id"))
        full = self.full_record
        record("read", "person", person.id, by=current_user, channel="admin")
        page = {
            "person": person,
            "fields": detail.field_rows(current_user, person),
            "stays": detail.stays_of(person.id),
            "transitions": detail.transitions_of(person.id, with_reasons=full),
            "sources": detail.sources_of(person.id) if full else None,
            # An office's own facts: only for caseworkers of that office (sources/fact_access.py).
            "office_facts": facts_for_person(person.id, readable_offices(current_user)),
            "events": self.offered_events(person),
            "shelters": self.open_shelters(),
            "today": date.today().isoformat(),
            "household_url": self._household_url(person),
            **self.extra_detail(person),
        }
        db.session.commit()
        return self.render(self.details_template, return_url=self.get_url(".index_view"), **page)

    full_record = False

    def extra_detail(self, person) -> dict:
        return {}

    def offered_events(self, person) -> list[tuple[str, str]]:
        return []

    def open_shelters(self):
        return []


# The operations name the person's fields; the form names some of them differently.
FORM_FIELD_OF = {"birth_date": "birth", "birth_precision": "birth", "nationalities": "nationality",
                 "district": "district_number"}


class ExportedRow:
    """One person's export values, computed while the row was still loaded (PersonView._export_data)."""

    __slots__ = ("values",)

    def __init__(self, values: dict):
        self.values = values


class PersonView(CaseworkMixin, PersonBaseView):
    """The caseworker's persons: known to one of the user's offices, every field, transitions, export."""

    allowed_roles = WRITE_PERSONS
    full_record = True
    can_create = True
    can_edit = True  # through update_person; the state never is a form field
    form = PersonForm
    column_list = ("name", "birth", "sex", "nationality", "residence_status", "state", "district", "shelter")
    list_columns_loaded = (*PersonBaseView.list_columns_loaded, "nationality", "residence_status",
                           "district_number")
    can_export = True
    export_types = ["csv", "xlsx"]
    export_max_rows = 1000  # every exported person is one audit row
    column_export_list = ("id", "family_name", "given_names", "birth", "sex", "nationalities",
                          "residence_status", "legal_basis", "azr_number", "state", "district", "shelter")
    column_formatters_export = {
        "birth": lambda v, c, p, n: p.birth.german,
        "sex": lambda v, c, p, n: code_label("sex", p.sex),
        "nationalities": lambda v, c, p, n: ", ".join(code_label("nationality",
                                                                 x) for x in p.nationality_codes),
        "residence_status": lambda v, c, p, n: code_label("residence_status", p.residence_status),
        "state": lambda v, c, p, n: code_label("state", p.state),
        "district": lambda v, c, p, n: p.district_number or "",
        "shelter": lambda v, c, p, n: p.current_room or "",
    }

    def __init__(self, *args, age_groups=(), **kwargs):
        self.column_filters = full_filters(list(age_groups))
        super().__init__(*args, **kwargs)

    def narrowed(self, stmt):
        stmt = visible_persons(current_user, stmt)
        if has_any(current_user, {SHELTER_MANAGER}):
            # Also a shelter manager: this view still shows only the persons of the user's own offices,
            # whose every field the user may read.
            codes = sorted(current_user.office_codes)
            stmt = stmt.where(exists().where(PersonOffice.person_id == Person.id,
                                             PersonOffice.office_code.in_(codes)))
        return stmt

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.office.choices = [SelectChoice(o.code, o.name)
                               for o in sorted(current_user.offices, key=lambda o: o.code)]
        form.fill_choices(current_user)
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form.office  # the registering office is history, not an editable value
        form.fill_choices(current_user, obj)
        if request.method == "GET" and obj is not None:
            form.birth.data = obj.birth.german
        return form

    def get_save_return_url(self, model, is_created=False):
        """After saving, the person's page with the next steps, not the list."""
        return self.get_url(".details_view", id=model.id)

    def update_model(self, form, model):
        from caseapp.people.operations import update_person

        return self._save(lambda: update_person(model, by=current_user, channel="admin",
                                                **form.operation_arguments()) or True, form)

    def create_model(self, form):
        from caseapp.people.operations import register_person

        person = self._save(lambda: register_person(by=current_user, channel="admin",
                                                    **form.operation_arguments()), form)
        if person and getattr(person, "duplicate_warning", None):
            flash(person.duplicate_warning, "warning")
        return person

    @staticmethod
    def _save(operation, form):
        """Run a person operation from the form and commit. A refusal is shown at the field it concerns
        (and flashed with the field's label); nothing is kept, the form keeps every input."""
        try:
            result = operation()
        except InvalidInput as exc:
            db.session.rollback()
            name = FORM_FIELD_OF.get(exc.field, exc.field)
            field = form[name] if name in form else None  # noqa: SIM401 - a WTForms Form has no .get()
            if field is not None:
                field.errors = [*field.errors, exc.message]
            label = str(field.label.text) if field is not None else exc.field
            flash(_("Not saved: %(message)s", message=f"{label}: {exc.message}"), "error")
            return False
        db.session.commit()
        return result

    def get_column_names(self, only_columns, excluded_columns):
        names = super().get_column_names(only_columns, excluded_columns)
        labels = {"id": "ID", "family_name": _l("Family name"), "given_names": _l("Given names"),
                  "nationalities": _l("Nationalities"), "legal_basis": _l("Legal basis"),
                  "azr_number": _l("AZR number")}
        return [(c, labels.get(c, label)) for c, label in names]

    def _export_data(self):
        """The rows to export as finished values, each export audited and committed before any leaves.

        The values are read before the commit: a commit expires the loaded persons, and the CSV is
        streamed after the request's session has been closed, where an expired row cannot reload.
        """
        count, data = super()._export_data()
        rows = [ExportedRow({name: super(PersonView, self).get_export_value(person, name)
                             for name, _label in self._export_columns}) for person in data]
        fmt = request.view_args.get("export_type", "")
        for person in data:
            record("export", "person", person.id, by=current_user, channel="admin", detail=f"format={fmt}")
        db.session.commit()
        return count, rows

    def get_export_value(self, model, name):
        if isinstance(model, ExportedRow):
            return model.values[name]
        return super().get_export_value(model, name)

    def _export_csv(self, return_url):
        """The CSV as German spreadsheets open it (caseapp.stats.exports.csv_bytes: semicolons, UTF-8 with
        BOM; Flask-Admin writes commas without a BOM, and Excel then shows "MÃ¼ller"); the values are
        final and already defused (`_export_data`, `get_export_value`)."""
        from flask import Response
        from werkzeug.utils import secure_filename

        from caseapp.stats.exports import csv_bytes

        _count, rows = self._export_data()
        body = csv_bytes([str(label) for _name, label in self._export_columns],
                         ([row.values[name] for name, _label in self._export_columns] for row in rows))
        name = secure_filename(self.get_export_name(export_type="csv"))
        return Response(
            body, mimetype="text/csv", headers={"Content-Disposition": f"attachment;filename={name}"}
        )

    def offered_events(self, person):
        return [(e, code_label("event", e)) for e in allowed_events(person)]

    def open_shelters(self):
        return db.session.execute(select(Shelter.id, Shelter.name).where(Shelter.state == ShelterState.open)
                                  .order_by(Shelter.name)).all()

    @expose("/transition/<int:person_id>/", methods=("POST",))
    def transition_view(self, person_id: int):
        from caseapp.admin.people_actions import run_from_form

        person = self.get_one(person_id)
        run_from_form(person, request.form, by=current_user)
        return redirect(url_for(".details_view", id=person.id))


class ResidentView(PersonBaseView):
    """The shelter manager's persons: only what allocation needs (name, birth date, sex, household, needs)."""

    allowed_roles = frozenset({SHELTER_MANAGER})
    column_list = ("name", "birth", "sex", "household", "needs", "state", "shelter")
    list_columns_loaded = (*PersonBaseView.list_columns_loaded, "household_id", "needs")

    def __init__(self, *args, **kwargs):
        self.column_filters = allocation_filters()
        super().__init__(*args, **kwargs)

    def get_query(self):
        from sqlalchemy.orm import joinedload

        return super().get_query().options(joinedload(Person.household))

    def extra_detail(self, person) -> dict:
        # A person waiting for a bed: the ranked places, each allocated with one confirmed click (board).
        return {"show_suggestions": person.state == PersonState.arrived}


def register(admin) -> None:
    """Adds the person, resident and household views to the admin."""
    age_groups = [g.strip() for g in admin.app.config["CASEAPP_AGE_GROUPS"].split(",") if g.strip()]
    category = _l("Persons")
    admin.add_view(PersonView(Person, db, name=_l("Persons"), endpoint="person", category=category,
                              age_groups=age_groups))
    admin.add_view(ResidentView(Person, db, name=_l("Residents (allocation)"), endpoint="resident",
                                category=category))
    admin.add_view(HouseholdView(Household, db, name=_l("Households"), endpoint="household",
                                 category=category))
