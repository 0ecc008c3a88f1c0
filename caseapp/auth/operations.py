"""Writers for users, roles and office membership; each writes its audit row and flushes, callers commit."""
from __future__ import annotations

from flask import current_app
from flask_security import hash_password

from caseapp.audit.operations import record
from caseapp.auth.models import Role, User
from caseapp.auth.roles import ADMIN, READING_ROLES, ROLES
from caseapp.extensions import db
from caseapp.offices.models import Office


class UserAdminError(ValueError):
    """A change the admin may not make; the message is German and shown as is."""


def _datastore():
    return current_app.extensions["security"].datastore


def _checked_password(password: str, email: str) -> str:
    """The password as the login form will see it (normalised), after the length and zxcvbn checks."""
    security = current_app.extensions["security"]
    problems, normalised = security._password_util.validate(password or "", True, email=email)
    if problems:
        raise UserAdminError(" ".join(str(p) for p in problems))
    return normalised


def _roles(names) -> list[Role]:
    unknown = set(names) - set(ROLES)
    if unknown:
        raise UserAdminError(f"Unbekannte Rolle: {', '.join(sorted(unknown))}")
    return list(db.session.scalars(db.select(Role).where(Role.name.in_(list(names)))))


def _offices(codes) -> list[Office]:
    offices = list(db.session.scalars(db.select(Office).where(Office.code.in_(list(codes)))))
    if len(offices) != len(set(codes)):
        raise UserAdminError("Unbekanntes Amt")
    return offices


def _detail(user: User) -> str:
    roles = ",".join(sorted(r.name for r in user.roles))
    return f"roles={roles} offices={','.join(sorted(user.office_codes))} active={user.active}"


def create_user(email: str, password: str, *, roles=(), offices=(), by) -> User:
    email = (email or "").strip().lower()
    if not email:
        raise UserAdminError("Bitte eine E-Mail-Adresse angeben.")
    if _datastore().find_user(email=email) is not None:
        raise UserAdminError("Diese E-Mail-Adresse ist bereits vergeben.")
    password = _checked_password(password, email)
    user = _datastore().create_user(email=email, password=hash_password(password), active=True)
    user.roles = _roles(roles)
    user.offices = _offices(offices)
    db.session.flush()
    record("create", "user", user.id, by=by, channel="admin", detail=_detail(user))
    record_grants(user, set(), set(), by=by)
    return user


def _refuse_self_grant(user: User, by, roles, offices) -> None:
    """An admin may not give themselves a role that reads persons or the audit trail, nor widen the
    offices whose persons such a role reads: another admin has to, and that grant is audited."""
    if by is None or user.id != getattr(by, "id", None):
        return
    held = {r.name for r in user.roles}
    gained = sorted((set(roles) - held) & READING_ROLES) if roles is not None else []
    if gained:
        raise UserAdminError(
            f"Sie können sich die Rolle {', '.join(gained)} nicht selbst geben: Rollen mit Zugriff auf "
            "Personendaten oder das Protokoll vergibt eine andere Person der Verwaltung.")
    reading = (set(roles) if roles is not None else held) & READING_ROLES
    new_offices = sorted(set(offices) - user.office_codes) if offices is not None else []
    if reading and new_offices:
        raise UserAdminError(
            f"Sie können sich das Amt {', '.join(new_offices)} nicht selbst zuordnen, solange Sie eine "
            "lesende Rolle haben: das vergibt eine andere Person der Verwaltung.")


def record_grants(user: User, roles_before: set[str], offices_before: set[str], *, by=None,
                  actor: str | None = None, channel: str = "admin") -> None:
    """One audit row per role or office given or taken ("who gave which right to whom"), for auditors."""
    roles_after, offices_after = {r.name for r in user.roles}, set(user.office_codes)
    changes = [("grant", f"role={r}") for r in sorted(roles_after - roles_before)]
    changes += [("grant", f"office={o}") for o in sorted(offices_after - offices_before)]
    changes += [("revoke", f"role={r}") for r in sorted(roles_before - roles_after)]
    changes += [("revoke", f"office={o}") for o in sorted(offices_before - offices_after)]
    for action, what in changes:
        record(
            action,
            "user",
            user.id,
            by=by,
            actor=actor,
            channel=channel,
            detail=f"{what} to={user.email}"[:200],
        )


def update_user(user: User, *, roles=None, offices=None, by) -> User:
    """Change roles and offices. An admin cannot take the admin role from themselves (no lock-out), nor
    give themselves a reading role or, holding one, a further office (_refuse_self_grant)."""
    roles_before, offices_before = {r.name for r in user.roles}, set(user.office_codes)
    if roles is not None and user.id == getattr(by, "id", None) and ADMIN not in roles:
        raise UserAdminError("Sie können sich die Rolle admin nicht selbst entziehen.")
    _refuse_self_grant(user, by, roles, offices)
    if roles is not None:
        user.roles = _roles(roles)
    if offices is not None:
        user.offices = _offices(offices)
    db.session.flush()
    record("update", "user", user.id, by=by, channel="admin", detail=_detail(user))
    record_grants(user, roles_before, offices_before, by=by)
    return user


def end_sessions(user: User) -> None:
    """Invalidate everything that still speaks for the user: stored sessions and API tokens."""
    from caseapp.auth.sessions import end_user_sessions

    end_user_sessions(user)
    # A new uniquifier voids the user's authentication tokens and any session that names the old one.
    _datastore().set_uniquifier(user)


def deactivate_user(user: User, *, by) -> User:
    if user.id == getattr(by, "id", None):
        raise UserAdminError("Sie können Ihr eigenes Konto nicht deaktivieren.")
    user.active = False
    end_sessions(user)
    db.session.flush()
    record("deactivate", "user", user.id, by=by, channel="admin")
    return user


def activate_user(user: User, *, by) -> User:
    user.active = True
    db.session.flush()
    record("activate", "user", user.id, by=by, channel="admin")
    return user


def reset_password(user: User, password: str, *, by) -> User:
    user.password = hash_password(_checked_password(password, user.email))
    end_sessions(user)
    db.session.flush()
    record("reset_password", "user", user.id, by=by, channel="admin")
    return user


def save_office(code: str, name: str, *, by, existing: Office | None = None) -> Office:
    code, name = (code or "").strip().lower(), (name or "").strip()
    if not name:
        raise UserAdminError("Bitte einen Namen angeben.")
    if existing is None:
        if not code or len(code) > 10 or not code.isalnum():
            raise UserAdminError("Das Kürzel besteht aus höchstens 10 Buchstaben oder Ziffern.")
        if db.session.get(Office, code) is not None:
            raise UserAdminError("Dieses Kürzel ist bereits vergeben.")
        existing = Office(code=code, name=name)
        db.session.add(existing)
        action = "create"
    else:
        existing.name = name
        action = "update"
    db.session.flush()
    record(action, "office", existing.code, by=by, channel="admin")
    return existing


def update_role_description(role: Role, description: str, *, by) -> Role:
    role.description = (description or "").strip() or None
    db.session.flush()
    record("update", "role", role.name, by=by, channel="admin")
    return role
