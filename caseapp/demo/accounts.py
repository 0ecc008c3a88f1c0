"""Demo accounts, one per role, created only by `caseapp demo` and sharing one printed password."""
from __future__ import annotations

from caseapp.demo.rows import DEMO_ACTOR

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
    ("data-steward", ("data_steward",), (), "Datenpflege: Prüfliste der Verknüpfung (wer ist wer)"),
)


class WeakDemoPassword(RuntimeError):
    pass


def create_demo_accounts() -> list[tuple[str, str, str]]:
    """Create the accounts in the current session; returns (email, roles, purpose) per account.

    The password passes the same checks as any other (length, zxcvbn) and is hashed once: the accounts
    share it openly, and argon2 per account would only cost time.
    """
    from flask import current_app
    from flask_security import hash_password

    from caseapp.audit.operations import record
    from caseapp.auth.models import Role
    from caseapp.extensions import db
    from caseapp.offices.models import Office

    security = current_app.extensions["security"]
    problems, normalised = security._password_util.validate(DEMO_PASSWORD, True)
    if problems:
        raise WeakDemoPassword(" ".join(str(p) for p in problems))
    hashed = hash_password(normalised)
    roles = {r.name: r for r in db.session.scalars(db.select(Role))}
    offices = {o.code: o for o in db.session.scalars(db.select(Office))}
    made = []
    for local, role_names, office_codes, purpose in DEMO_ACCOUNTS:
        email = f"{local}@{DEMO_DOMAIN}"
        user = security.datastore.create_user(email=email, password=hashed, active=True)
        user.roles = [roles[r] for r in role_names]
        user.offices = [offices[o] for o in office_codes]
        db.session.flush()
        record("create", "user", user.id, actor=DEMO_ACTOR, channel="cli",
               detail=f"roles={','.join(role_names)} offices={','.join(office_codes)} active=True")
        made.append((email, ", ".join(role_names) + (f" ({', '.join(office_codes)})" if office_codes else ""),
                     purpose))
    return made
