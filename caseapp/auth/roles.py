"""The six roles of interfaces.md and the capabilities each one grants; one place to read them."""
from __future__ import annotations

ADMIN = "admin"
CASEWORKER = "caseworker"
SHELTER_MANAGER = "shelter_manager"
ANALYST = "analyst"
AUDITOR = "auditor"
DATA_STEWARD = "data_steward"

ROLES = {
    ADMIN: "Verwaltung von Benutzern, Rollen, Ämtern, Datenquellen und Unterkünften",
    CASEWORKER: "Personenakten der eigenen Ämter lesen und ändern, Übergänge ausführen",
    SHELTER_MANAGER: "Unterkünfte, Zimmer und Belegungen verwalten; für die Belegung nötige Personendaten "
                     "lesen",
    ANALYST: "Nur Auswertungen: Dashboards, Statistik, Prognosen, Ausschussberichte",
    AUDITOR: "Protokoll lesen, Auskunftsbericht (Art. 15 DSGVO) erstellen",
    DATA_STEWARD: "Prüffälle der Verknüpfung entscheiden; sieht nur die identifizierenden Angaben",
}

# How the admin shows each role to people (the codes stay what the CLI and interfaces.md use).
ROLE_LABELS_DE = {
    ADMIN: "Verwaltung",
    CASEWORKER: "Sachbearbeitung",
    SHELTER_MANAGER: "Unterkunftsverwaltung",
    ANALYST: "Auswertung",
    AUDITOR: "Revision und Datenschutz",
    DATA_STEWARD: "Datenpflege",
}


def role_label(name: str) -> str:
    """'Unterkunftsverwaltung (shelter_manager)': the German name with the code the CLI takes."""
    return f"{ROLE_LABELS_DE[name]} ({name})" if name in ROLE_LABELS_DE else name


# Roles that open person records or the audit trail (who read whom): an admin may not grant them to
# themselves (auth/operations.py), only another admin may, audited. Analysts see aggregates only, which
# admins see anyway. data_steward reads the identifying core of every source (linkage.md).
READING_ROLES = frozenset({CASEWORKER, SHELTER_MANAGER, AUDITOR, DATA_STEWARD})

# Capabilities: each view and endpoint names one of these (or roles directly).
MANAGE_USERS = frozenset({ADMIN})
MANAGE_SHELTERS = frozenset({ADMIN, SHELTER_MANAGER})
READ_PERSONS = frozenset({CASEWORKER, SHELTER_MANAGER})
WRITE_PERSONS = frozenset({CASEWORKER})
ALLOCATE = frozenset({CASEWORKER, SHELTER_MANAGER})
READ_AGGREGATES = frozenset({ANALYST, CASEWORKER, SHELTER_MANAGER, ADMIN, AUDITOR})
# Planning figures (Kita and school places per district): analysts only (interfaces.md roles).
ENTER_PLACES = frozenset({ANALYST})
READ_AUDIT = frozenset({AUDITOR})
DECIDE_LINKAGE = frozenset({DATA_STEWARD})


def role_names(user) -> frozenset[str]:
    """The names of the user's roles, read once per request (the admin menu asks once per menu item)."""
    from flask import g, has_request_context

    if not has_request_context():
        return frozenset(r.name for r in user.roles)
    cache = g.setdefault("caseapp_role_names", {})
    key = (id(user), user.id)
    if key not in cache:
        cache[key] = frozenset(r.name for r in user.roles)
    return cache[key]


def has_any(user, roles) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "active", False):
        return False
    if hasattr(user, "_get_current_object"):
        user = user._get_current_object()
    return not role_names(user).isdisjoint(roles)
