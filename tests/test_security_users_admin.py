"""Admins manage users, roles and offices in the admin; deactivating a user ends their sessions."""
from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import TEST_PASSWORD


def _token(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_admin_creates_a_user_who_can_log_in(app, db, login_as):
    from caseapp.auth.models import User

    admin = login_as("admin")
    token = _token(admin, "/admin/users/new/")
    resp = admin.post("/admin/users/new/", data={
        "email": "neue.kollegin@stadt-osnabrueck.de", "password": "Rathaus-Markt-Linde-97",
        "role_names": ["caseworker"], "office_codes": ["jug"], "csrf_token": token,
    })
    assert resp.status_code == 302, resp.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "neue.kollegin@stadt-osnabrueck.de"))
    assert [r.name for r in user.roles] == ["caseworker"] and user.office_codes == {"jug"}
    login = app.test_client().post("/login", json={"email": user.email, "password": "Rathaus-Markt-Linde-97"})
    assert login.status_code == 200


def test_weak_password_is_refused_in_german(app, db, login_as):
    admin = login_as("admin")
    token = _token(admin, "/admin/users/new/")
    resp = admin.post("/admin/users/new/", data={
        "email": "schwach@stadt-osnabrueck.de", "password": "passwort12345678",
        "role_names": ["caseworker"], "csrf_token": token,
    }, follow_redirects=True)
    body = resp.get_data(as_text=True)
    assert "Passwort" in body
    from caseapp.auth.models import User
    assert db.session.scalar(select(User).where(User.email == "schwach@stadt-osnabrueck.de")) is None


def test_deactivation_from_the_list_ends_the_users_session(app, db, login_as, factory):
    admin = login_as("admin")
    victim = login_as("caseworker")
    assert victim.get("/admin/").status_code == 200
    token = _token(admin, "/admin/users/")
    resp = admin.post("/admin/users/action/", data={
        "action": "deactivate", "rowid": [str(victim.user.id)], "csrf_token": token,
    })
    assert resp.status_code == 302
    assert victim.get("/admin/").status_code == 302
    api = app.test_client().get("/api/v1/shelters/1", headers={"Authentication-Token": victim.auth_token})
    assert api.status_code == 401  # the API token died with the session
    assert not victim.user.active


def test_admin_cannot_deactivate_themselves(app, db, login_as):
    admin = login_as("admin")
    token = _token(admin, "/admin/users/")
    admin.post("/admin/users/action/", data={"action": "deactivate", "rowid": [str(admin.user.id)],
                                             "csrf_token": token})
    assert admin.user.active and admin.get("/admin/").status_code == 200


def test_user_pages_never_show_secrets(app, db, login_as):
    admin = login_as("admin")
    other = login_as("caseworker")
    for url in (
        "/admin/users/",
        f"/admin/users/details/?id={other.user.id}",
        f"/admin/users/edit/?id={other.user.id}",
    ):
        body = admin.get(url).get_data(as_text=True)
        assert other.user.email in body
        assert other.user.password not in body and other.user.fs_uniquifier not in body


def test_offices_can_be_added_and_renamed(app, db, login_as):
    from caseapp.offices.models import Office

    admin = login_as("admin")
    token = _token(admin, "/admin/offices/new/")
    admin.post("/admin/offices/new/", data={"code": "gesu", "name": "Gesundheitsdienst", "csrf_token": token})
    assert db.session.get(Office, "gesu").name == "Gesundheitsdienst"
    token = _token(admin, "/admin/offices/edit/?id=gesu")
    admin.post("/admin/offices/edit/?id=gesu", data={"code": "anders", "name": "Gesundheitsamt",
                                                     "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Office, "gesu").name == "Gesundheitsamt"
    assert db.session.get(Office, "anders") is None


def test_changes_to_users_are_audited(app, db, login_as, factory):
    from caseapp.audit.models import AuditEvent

    admin = login_as("admin")
    victim = factory.user(role="caseworker", password=TEST_PASSWORD)
    token = _token(admin, "/admin/users/")
    admin.post("/admin/users/action/", data={"action": "deactivate", "rowid": [str(victim.id)],
                                             "csrf_token": token})
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "user",
                                                      AuditEvent.object_id == str(victim.id))
                             .order_by(AuditEvent.id.desc())).first()
    assert row.action == "deactivate" and row.user_id == admin.user.id


def test_the_documented_commands_make_an_account_that_works_at_once(app, db):
    """interfaces.md: `caseapp users create EMAIL --password PW`, `roles add`, `offices assign`; the user
    logs in as a JSON client straight away and works in the API with the token; `--inactive` does not."""
    runner = app.test_cli_runner()
    email = "skript.nutzerin@stadt-osnabrueck.de"
    for args in (["users", "create", email, "--password", TEST_PASSWORD],
                 ["roles", "add", email, "caseworker"], ["offices", "assign", email, "int"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output, result.exception)
    client = app.test_client()
    login = client.post("/login?include_auth_token", json={"email": email, "password": TEST_PASSWORD})
    assert login.status_code == 200, login.get_data(as_text=True)
    token = login.get_json()["response"]["user"]["authentication_token"]
    created = client.post("/api/v1/persons", headers={"Authentication-Token": token}, json={
        "family_name": "Öztürk", "given_names": "Ayşe", "birth_date": "1990-00-00", "sex": "w",
        "nationalities": ["TUR"], "residence_status": "AE"})
    assert created.status_code == 201 and created.get_json()["state"] == "announced"

    result = runner.invoke(args=["users", "create", "ruhend@stadt-osnabrueck.de", "--password", TEST_PASSWORD,
                                 "--inactive"])
    assert result.exit_code == 0, result.output
    refused = app.test_client().post("/login?include_auth_token",
                                     json={"email": "ruhend@stadt-osnabrueck.de", "password": TEST_PASSWORD})
    assert refused.status_code == 400


def test_the_user_list_names_roles_in_german_and_shows_times_as_germans_read_them(app, db, login_as, factory):
    from datetime import datetime

    user = factory.user(role="shelter_manager", email="belegung@stadt-osnabrueck.de")
    user.last_login_at = datetime(2026, 11, 25, 15, 0, 11, 822640)
    db.session.flush()
    page = login_as("admin").get("/admin/users/").get_data(as_text=True)
    assert "Unterkunftsverwaltung (shelter_manager)" in page
    # Stored in UTC as Flask-Security writes it; read in Osnabrück time (CET, UTC+1 in November).
    assert "25.11.2026 16:00" in page and "15:00:11.822640" not in page


def test_the_start_page_offers_what_the_role_may_open(login_as):
    caseworker = login_as("caseworker", offices=("abh",)).get("/admin/").get_data(as_text=True)
    assert "Willkommen" in caseworker and "Sachbearbeitung" in caseworker and "Ausländerbehörde" in caseworker
    assert 'href="/admin/person/"' in caseworker[caseworker.index('id="start-areas"'):]
    analyst = login_as("analyst", offices=()).get("/admin/").get_data(as_text=True)
    areas = analyst[analyst.index('id="start-areas"'):]
    assert "/admin/person/" not in areas and "/admin/users/" not in areas
    assert "Auswertung" in analyst and "Berichte" in areas


def _edit(admin, user, roles, offices):
    token = _token(admin, f"/admin/users/edit/?id={user.id}")
    return admin.post(f"/admin/users/edit/?id={user.id}", data={
        "email": user.email, "role_names": roles, "office_codes": offices, "csrf_token": token,
    }, follow_redirects=True)


def test_an_admin_cannot_grant_themselves_a_reading_role_or_office(app, db, login_as, factory):
    """Issue 13 item 14: an admin gave themselves caseworker + abh and read persons at once."""
    factory.person(family_name="Geheimnis", office="abh")
    admin = login_as("admin", offices=())
    for role in ("caseworker", "shelter_manager", "auditor"):
        body = _edit(admin, admin.user, ["admin", role], ["abh"]).get_data(as_text=True)
        assert "nicht selbst geben" in body, role
        db.session.expire_all()
        assert {r.name for r in admin.user.roles} == {"admin"} and admin.user.office_codes == set()
    assert admin.get("/admin/person/").status_code == 403
    # Aggregates only: the analyst role reads no person and may be taken.
    assert "nicht selbst" not in _edit(admin, admin.user, ["admin", "analyst"], []).get_data(as_text=True)


def test_an_admin_holding_a_reading_role_cannot_widen_their_own_offices(app, db, login_as):
    admin = login_as("admin", offices=("soz",))
    from caseapp.auth.setup import user_datastore

    user_datastore.add_role_to_user(admin.user, "caseworker")
    db.session.commit()
    body = _edit(admin, admin.user, ["admin", "caseworker"], ["soz", "abh"]).get_data(as_text=True)
    assert "nicht selbst zuordnen" in body
    db.session.expire_all()
    assert admin.user.office_codes == {"soz"}
    # Giving up an office or a role is always allowed.
    _edit(admin, admin.user, ["admin"], [])
    db.session.expire_all()
    assert {r.name for r in admin.user.roles} == {"admin"} and admin.user.office_codes == set()


def test_a_grant_by_another_admin_is_audited_and_shown_to_auditors(app, db, login_as, factory):
    from caseapp.audit.models import AuditEvent

    granting = login_as("admin", offices=())
    colleague = factory.user(role="admin", offices=(), email="kollege.verwaltung@stadt-osnabrueck.de")
    _edit(granting, colleague, ["admin", "caseworker"], ["abh"])
    db.session.expire_all()
    assert {r.name for r in colleague.roles} == {"admin", "caseworker"}
    rows = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "grant")
                              .order_by(AuditEvent.id)).all()
    assert [(r.user_email, r.object_id, r.detail) for r in rows] == [
        (granting.user.email, str(colleague.id), "role=caseworker to=kollege.verwaltung@stadt-osnabrueck.de"),
        (granting.user.email, str(colleague.id), "office=abh to=kollege.verwaltung@stadt-osnabrueck.de"),
    ]
    auditor = login_as("auditor", offices=())
    page = auditor.get("/admin/audit/?page_size=100").get_data(as_text=True)
    assert "Recht erteilt (Rolle/Amt)" in page
    assert "Rolle: Sachbearbeitung, nach: kollege.verwaltung" in page  # the stored codes, in words


def test_grants_from_the_command_line_are_audited(app, db, factory):
    """The shell may grant (whoever has it can reach the database anyway), but not unseen."""
    from caseapp.audit.models import AuditEvent

    user = factory.user(role=None, offices=(), email="shell.grant@stadt-osnabrueck.de")
    db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["roles", "add", user.email, "caseworker"]).exit_code == 0
    assert runner.invoke(args=["offices", "assign", user.email, "soz"]).exit_code == 0
    details = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "grant",
                                                                 AuditEvent.channel == "cli")).all()
    assert details == ["role=caseworker to=shell.grant@stadt-osnabrueck.de",
                       "office=soz to=shell.grant@stadt-osnabrueck.de"]
