"""The audit log for auditors: a read-only, filterable list of who did what to which object, and when."""
from __future__ import annotations

from flask_admin import expose
from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _l

from caseapp.admin.audit_words import FORMATTERS, LazyAction, action_text
from caseapp.admin.base import SecureBaseView, SecureModelView
from caseapp.audit.anchors import verify_and_anchor
from caseapp.audit.models import AuditEvent
from caseapp.auth.roles import READ_AUDIT
from caseapp.codelists import action_labels
from caseapp.extensions import db

# The filter's choices in the order of their German labels, each shown in the reader's language.
ACTION_OPTIONS = [(code, LazyAction(code))
                  for code, _german in sorted(action_labels().items(), key=lambda item: item[1])]


def _action(view, context, model, name):
    return action_text(model.action)


class AuditEventView(SecureModelView):
    allowed_roles = READ_AUDIT
    can_create = can_edit = can_delete = False
    can_view_details = True
    list_template = "admin/audit/list.html"
    column_list = ("id", "at", "user_email", "actor", "office", "action", "object_type", "object_id",
                   "channel", "detail")
    column_details_list = column_list + ("prev_hash", "hash")
    column_default_sort = ("id", True)
    column_sortable_list = ("id", "at")
    # The action is chosen from its names as the list shows them (a text filter matched only the stored
    # codes, so "gelesen" found nothing although the list shows exactly that word).
    column_filters = ("at", "user_email", "user_id", "actor", "office",
                      FilterEqual(AuditEvent.action, _l("Action"),
                                  options=ACTION_OPTIONS),
                      "object_type", "object_id", "channel")
    column_formatters = {"action": _action, **FORMATTERS}  # admin/audit_words.py: German, local time
    column_labels = {
        "id": _l("No."), "at": _l("Time"), "user_email": _l("User"), "user_id": _l("User ID"),
        "actor": _l("System"), "office": _l("Office"), "action": _l("Action"),
        "object_type": _l("Object type"),
        "object_id": _l("Object ID"), "channel": _l("Channel"), "detail": _l("Particulars"),
        "prev_hash": _l("Previous hash"), "hash": _l("Hash"),
    }
    page_size = 100


class AuditVerifyView(SecureBaseView):
    """Runs the same chain check as `caseapp audit verify` and shows its result."""

    allowed_roles = READ_AUDIT

    @expose("/")
    def index(self):
        report, _anchor = verify_and_anchor(db.session)
        return self.render("admin/audit/verify.html", report=report)


def register(admin) -> None:
    """Adds this area's views to the admin."""
    admin.add_view(AuditEventView(AuditEvent, db, name=_l("Audit log"), endpoint="audit",
                                  category=_l("Audit log")))
    admin.add_view(AuditVerifyView(name=_l("Check the chain"), endpoint="audit_verify",
                                   category=_l("Audit log")))
