"""The audit log in words an auditor reads: object kinds, actions, channels and details, Osnabrück time.

The stored rows keep their codes (`user`, `via=password`, `from=arrived,to=accommodated`): they are
hashed into the chain and must not change. Only the list and detail pages translate them here.
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from markupsafe import Markup, escape

from caseapp.admin.i18n import code_label
from caseapp.codelists import TRANSITION_PREFIX, action_label
from caseapp.localtime import local_datetime
from caseapp.workflows.states import STATE_LABELS_DE

OBJECT_TYPES = {
    "person": _l("Person"), "user": _l("User account"), "household": _l("Household"),
    "shelter": _l("Shelter"), "room": _l("Room"), "report_job": _l("Report"), "sync_run": _l("Sync run"),
    "delivery": _l("Delivery"), "rejected_record": _l("rejected record"),
    "missing_list": _l("list of missing persons"), "role": _l("Role"), "session": _l("Session"),
    "backup": _l("Backup"), "retention": _l("Retention"), "demo_city": _l("Demo city"),
    "follow_up": _l("Follow-up"), "case_note": _l("Case note"), "print": _l("Printout"),
    "legacy_import": _l("Old list import"),
}
CHANNELS = {"admin": _l("Admin interface"), "api": _l("Interface (API)"), "cli": _l("Command line"),
            "task": _l("Background job"), "web": _l("Login page")}
DETAIL_KEYS = {
    "via": _l("via"), "from": lazy_pgettext("audit", "from"), "to": _l("to"), "format": _l("Format"),
    "fields": _l("Fields"), "reason": lazy_pgettext("audit", "Reason"), "members": _l("Members"),
    "rows": _l("Rows"), "persons": _l("Persons"), "role": _l("Role"), "roles": _l("Roles"),
    "kind": _l("Kind"),
    "result": _l("Result"), "step": _l("Step"), "as_of": lazy_pgettext("status", "State"),
    "rooms": _l("Rooms"), "rooms_added": _l("Rooms added"), "blocked": _l("blocked"),
    "features": lazy_pgettext("audit", "Features"), "ok": _l("in order"), "person": _l("Person"),
    "raw_records": _l("Raw records"), "office": _l("Office"), "offices": _l("Offices"),
    "active": _l("active"),
    "due": _l("due on"), "list": _l("List"),
}
DETAIL_VALUES = {"password": _l("Password"), "token": _l("Login token"), "totp": _l("Two-factor code"),
                 "True": _l("yes"), "False": _l("no"), "done": _l("done"), "csv": "CSV", "xlsx": "Excel",
                 "pdf": "PDF"}
# The audit actions (codelists.AuditAction, whose German labels these msgids carry).
ACTIONS = {
    "read": _l("viewed"), "read_refused": _l("viewing refused"), "create": _l("created"),
    "update": _l("changed"), "export": _l("exported"), "login": _l("logged in"), "logout": _l("logged out"),
    "login_failed": _l("login failed"), "deactivate": _l("deactivated"), "activate": _l("activated"),
    "reset_password": _l("password reset"), "request": _l("requested"), "download": _l("downloaded"),
    "sync": _l("delivery processed"), "reprocess": _l("record processed again"),
    "dismiss": _l("record dismissed"), "anonymise": _l("anonymised"),
    "purge": _l("deleted (retention period)"),
    "access_report": _l("access report created"), "restore_drill": _l("restore drill"),
    "search": _l("person searched (access report)"), "grant": _l("right granted (role/office)"),
    "revoke": _l("right revoked (role/office)"),
    "retention_drill": _l("retention run with a future reference date (drill)"),
    "block_beds": _l("Beds blocked"), "room_features": _l("room features changed"), "merge": _l("merged"),
    "split": _l("split"), "legacy_upload": _l("old list uploaded"), "legacy_import": _l("old list imported"),
    "legacy_resolve": _l("old list row dealt with"), "link": _l("records linked (delivery)"),
    "print": _l("printed"), "change_password": _l("password changed"), "sync_held": _l("delivery held"),
    "sync_confirm": _l("held delivery confirmed"), "sync_discard": _l("held delivery dismissed"),
}


def action_text(action: str | None) -> str:
    """A stored audit action as the reader reads it: 'transition:depart' -> 'Übergang Wegzug'."""
    if not action:
        return ""
    if action.startswith(TRANSITION_PREFIX):
        return _("Transition %(event)s", event=code_label("event", action.removeprefix(TRANSITION_PREFIX)))
    return str(ACTIONS.get(action, action_label(action)))


class LazyAction:
    """action_text chosen when rendered (the audit list's filter builds its choices at start)."""

    def __init__(self, code: str):
        self.code = code

    def __str__(self) -> str:
        return action_text(self.code)

    def __html__(self) -> Markup:
        return escape(str(self))


_PAIR_SPLIT = re.compile(r"(?:[,;] ?| )(?=[a-z_]+=)")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _value(text: str, key: str = "") -> str:
    if key in ("role", "roles"):
        return ", ".join(code_label("role", r) for r in text.split(",") if r)
    if key in ("office", "offices"):
        from caseapp.offices.models import OFFICES

        return ", ".join(OFFICES.get(o, o) for o in text.split(",") if o)
    m = _ISO_DATE.match(text)
    if m:
        return f"{m[3]}.{m[2]}.{m[1]}"
    if text in STATE_LABELS_DE:
        return code_label("state", text)
    return str(DETAIL_VALUES.get(text, text))


def detail_text(detail: str | None) -> str:
    """'from=arrived,to=accommodated' -> 'von: angekommen, nach: untergebracht'; free text stays as it is."""
    if not detail:
        return ""
    parts = []
    for part in _PAIR_SPLIT.split(detail):
        key, sep, value = part.partition("=")
        if not sep or not re.fullmatch(r"[a-z_]+", key):
            parts.append(part)
            continue
        parts.append(f"{DETAIL_KEYS.get(key, key)}: {_value(value, key)}")
    return ", ".join(parts)


FORMATTERS = {
    "at": lambda v, c, m, n: local_datetime(m.at, seconds=True),
    "object_type": lambda v, c, m, n: str(OBJECT_TYPES.get(m.object_type, m.object_type or "")),
    "channel": lambda v, c, m, n: str(CHANNELS.get(m.channel, m.channel or "")),
    "detail": lambda v, c, m, n: detail_text(m.detail),
}
