"""The audit log in words an auditor reads: German object kinds, channels and details, Osnabrück time.

The stored rows keep their codes (`user`, `via=password`, `from=arrived,to=accommodated`): they are
hashed into the chain and must not change. Only the list and detail pages translate them here.
"""
from __future__ import annotations

import re

from caseapp.localtime import local_datetime
from caseapp.workflows.states import STATE_LABELS_DE

OBJECT_TYPES = {
    "person": "Person", "user": "Benutzerkonto", "household": "Haushalt", "shelter": "Unterkunft",
    "room": "Zimmer", "report_job": "Bericht", "sync_run": "Abgleich", "delivery": "Lieferung",
    "rejected_record": "abgewiesener Datensatz", "missing_list": "Liste fehlender Personen",
    "role": "Rolle", "session": "Sitzung", "backup": "Sicherung", "retention": "Aufbewahrung",
    "demo_city": "Demo-Stadt", "follow_up": "Wiedervorlage", "case_note": "Fallnotiz", "print": "Ausdruck",
    "legacy_import": "Altlisten-Import",
}
CHANNELS = {"admin": "Verwaltungsoberfläche", "api": "Schnittstelle (API)", "cli": "Kommandozeile",
            "task": "Hintergrundauftrag", "web": "Anmeldeseite"}
DETAIL_KEYS = {
    "via": "über", "from": "von", "to": "nach", "format": "Format", "fields": "Felder", "reason": "Grund",
    "members": "Mitglieder", "rows": "Zeilen", "persons": "Personen", "role": "Rolle", "roles": "Rollen",
    "kind": "Art", "result": "Ergebnis", "step": "Schritt", "as_of": "Stand", "rooms": "Zimmer",
    "rooms_added": "Zimmer hinzugefügt", "blocked": "gesperrt", "features": "Merkmale", "ok": "in Ordnung",
    "person": "Person", "raw_records": "Rohdatensätze", "office": "Amt", "offices": "Ämter",
    "active": "aktiv", "due": "fällig am", "list": "Liste",
}
DETAIL_VALUES = {"password": "Passwort", "token": "Anmeldetoken", "totp": "Zwei-Faktor-Code", "True": "ja",
                 "False": "nein", "done": "erledigt", "csv": "CSV", "xlsx": "Excel", "pdf": "PDF",
                 **STATE_LABELS_DE}
_PAIR_SPLIT = re.compile(r"(?:[,;] ?| )(?=[a-z_]+=)")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _value(text: str, key: str = "") -> str:
    if key in ("role", "roles"):
        from caseapp.auth.roles import ROLE_LABELS_DE

        return ", ".join(ROLE_LABELS_DE.get(r, r) for r in text.split(",") if r)
    if key in ("office", "offices"):
        from caseapp.offices.models import OFFICES

        return ", ".join(OFFICES.get(o, o) for o in text.split(",") if o)
    m = _ISO_DATE.match(text)
    if m:
        return f"{m[3]}.{m[2]}.{m[1]}"
    return DETAIL_VALUES.get(text, text)


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
    "object_type": lambda v, c, m, n: OBJECT_TYPES.get(m.object_type, m.object_type or ""),
    "channel": lambda v, c, m, n: CHANNELS.get(m.channel, m.channel or ""),
    "detail": lambda v, c, m, n: detail_text(m.detail),
}
