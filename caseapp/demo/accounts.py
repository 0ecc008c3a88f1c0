"""Demo accounts, one per role, created only by `caseapp demo` and sharing one printed password."""
from __future__ import annotations

# ASCII on purpose: Flask-Security normalises typed passwords (NFKD), so umlauts would be a trap here.
DEMO_PASSWORD = "Friedenssaal-Hegertor-1648"
DEMO_DOMAIN = "demo.stadt-osnabrueck.de"

# (local part, roles, offices, what the account is for - shown to the person running the demo)
DEMO_ACCOUNTS = (
    ("admin", ("admin",), ("int",), "Verwaltung: Benutzer, Ämter, Datenquellen, Unterkünfte"),
    ("caseworker", ("caseworker",), ("abh", "int"), "Sachbearbeitung Ausländerbehörde und Integration"),
    ("caseworker-soz", ("caseworker",), ("soz",), "Sachbearbeitung Sozialamt"),
    ("shelter-manager", ("shelter_manager",), (), "Unterkunftsverwaltung und Belegung"),
    ("analyst", ("analyst",), (), "Auswertungen und Ausschussberichte"),
    ("auditor", ("auditor",), (), "Protokoll und Auskunftsberichte"),
)


def create_demo_accounts() -> list[tuple[str, str, str]]:
    """Create the accounts in the current session; returns (email, roles, purpose) per account."""
    from caseapp.auth.operations import create_user

    made = []
    for local, roles, offices, purpose in DEMO_ACCOUNTS:
        email = f"{local}@{DEMO_DOMAIN}"
        create_user(email, DEMO_PASSWORD, roles=roles, offices=offices, by=None)
        made.append((email, ", ".join(roles) + (f" ({', '.join(offices)})" if offices else ""), purpose))
    return made
