"""The household view: households with a member the user may see, their page, create and place them
(HouseholdActions); registered with the person views by admin/people.py."""
from __future__ import annotations

from flask import abort, g, request
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from flask_security import current_user
from sqlalchemy import func, select

from caseapp.admin import people_detail as detail
from caseapp.admin.base import SecureModelView
from caseapp.admin.household_actions import HouseholdActions
from caseapp.admin.search import PostSearchMixin
from caseapp.audit.operations import record
from caseapp.audit.reads import audit_read, refused_read
from caseapp.auth.roles import CASEWORKER, READ_PERSONS, has_any
from caseapp.extensions import db
from caseapp.fieldrules import digits
from caseapp.people.access import visible_persons
from caseapp.people.models import Household, Person


class HouseholdView(PostSearchMixin, HouseholdActions, SecureModelView):
    """Households with at least one member the user may see; members beyond that stay hidden."""

    read_audit_type = "household"

    allowed_roles = READ_PERSONS
    can_edit = can_delete = False  # created by caseworkers (HouseholdActions.can_create), edited on its page
    column_list = ("label", "members", "created_at")
    column_labels = {"label": _l("Household"), "members": _l("Members you may see"),
                     "created_at": _l("Created")}
    column_default_sort = ("label", False)
    column_sortable_list = ("label", "created_at")
    column_searchable_list = ("label",)  # within the households the user may see at all (get_query)
    list_template = "admin/search_list.html"
    column_formatters = {
        "members": lambda v, c, h, n: g.get("caseapp_members", {}).get(h.id, 0),
        "created_at": lambda v, c, h, n: detail.german_date(h.created_at),
    }
    details_template = "admin/people/household.html"

    def _visible_household_ids(self):
        return visible_persons(current_user, select(Person.household_id)).where(
            Person.household_id.isnot(None)
        )

    def get_query(self):
        return db.session.query(Household).filter(Household.id.in_(self._visible_household_ids()))

    def get_count_query(self):
        return db.session.query(func.count(Household.id)).filter(
            Household.id.in_(self._visible_household_ids())
        )

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        # What _apply_search needs to know to take only the first matches (views are shared by threads).
        g.caseapp_list_args = (page, sort_column, sort_desc, bool(filters), page_size)
        count, data = super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        ids = [h.id for h in data]
        stmt = visible_persons(current_user, select(Person.household_id, func.count(Person.id))) \
            .where(Person.household_id.in_(ids)).group_by(Person.household_id)
        g.caseapp_members = dict(db.session.execute(stmt).all()) if ids else {}
        return count, data

    def get_one(self, id):
        household = self.get_query().filter(Household.id == (int(id) if digits(str(id)) else -1)).first()
        if household is None:
            refused_read("household", id, by=current_user, channel="admin")
            abort(404)
        return household

    @expose("/details/")
    def details_view(self):
        household = self.get_one(request.args.get("id"))
        members = db.session.scalars(visible_persons(current_user).where(Person.household_id == household.id)
                                     .order_by(Person.family_name, Person.given_names)).all()
        record("read", "household", household.id, by=current_user, channel="admin",
               detail=f"members={len(members)}")
        # The page names the members: one read row with their ids, like every page that shows persons.
        audit_read("person", [m.id for m in members], by=current_user, channel="admin", what="household")
        db.session.commit()
        endpoint = "person" if has_any(current_user, {CASEWORKER}) else "resident"
        return self.render(self.details_template, household=household, members=members,
                           person_endpoint=endpoint, return_url=self.get_url(".index_view"),
                           **self.household_context(household, members))
