"""The app starts, serves its login page in German and lets a user with a role log in."""
from __future__ import annotations


def test_login_page_is_served(client):
    resp = client.get("/login")
    assert resp.status_code == 200
    assert "Anmelden" in resp.get_data(as_text=True) or "Login" in resp.get_data(as_text=True)


def test_user_logs_in_with_json_and_gets_a_token(login_as):
    c = login_as("caseworker")
    assert c.auth_token
    assert c.get("/admin/").status_code == 200


def test_admin_is_closed_to_anonymous(client):
    resp = client.get("/admin/")
    assert resp.status_code in (302, 401)
