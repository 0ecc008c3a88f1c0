"""Input the database cannot hold is refused with 400/404 or a field error, never a server error (issue
13)."""
from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import text
from werkzeug.routing import IntegerConverter

from tests.api_helpers import call
from tests.test_admin_people import csrf_from

BIG = 2**31  # one past PostgreSQL's integer


def _get(c, path, **kwargs):
    resp = c.get(path, headers={"Authentication-Token": c.auth_token} if path.startswith("/api") else {},
                 **kwargs)
    assert resp.status_code < 500, f"{path} {kwargs}: {resp.status_code}"
    return resp


def test_ids_past_the_integer_range_answer_404_on_every_route(app, login_as, factory):
    c = login_as("caseworker", offices=("abh",))
    checked = 0
    for rule in app.url_map.iter_rules():
        ints = [a for a in rule.arguments if isinstance(rule._converters[a], IntegerConverter)]
        if not ints or "GET" not in rule.methods:
            continue
        path = rule.build({a: (BIG if a in ints else "x") for a in rule.arguments})[1]
        assert _get(c, path).status_code == 404, path
        checked += 1
    assert checked >= 4
    for path in ("/admin/person/details/", "/admin/person/edit/", "/admin/household/details/"):
        assert _get(c, path, query_string={"id": BIG}).status_code == 404, path
    assert _get(c, "/admin/person/", query_string={"person_id": 10**30}).status_code == 404


def test_negative_or_absurd_page_numbers_answer_400(login_as):
    c = login_as("caseworker", offices=("abh",))
    for page in ("-1", "99999999999999999999", "x"):
        assert _get(c, "/admin/person/", query_string={"page": page}).status_code == 400
        assert _get(c, "/admin/household/", query_string={"page": page}).status_code == 400
    assert _get(c, "/admin/person/", query_string={"page": "1"}).status_code == 200


def test_dates_outside_any_sensible_range_are_refused(login_as):
    c = login_as("analyst", offices=())
    resp = _get(c, "/api/v1/stats/population", query_string={"as_of": "0001-01-01"})
    assert resp.status_code == 400 and "as_of" in resp.get_json()["error"]
    page = _get(c, "/admin/stats/", query_string={"as_of": "0001-01-01"})
    assert page.status_code == 200 and "ist kein Datum" in page.get_data(as_text=True)
    assert _get(c, "/admin/stats/belegung/", query_string={"as_of": "0001-01-01"}).status_code == 200


def test_an_age_filter_beyond_any_age_is_ignored_not_a_server_error(login_as, factory):
    from caseapp.admin.people_filters import _age_bounds

    c = login_as("caseworker", offices=("abh",))
    factory.person(family_name="Alterstest", office="abh")
    for value in ("0-99999", "99999+", "9-3"):
        with pytest.raises(ValueError):
            _age_bounds(value)
    for index in range(12):  # whichever position the age filter has, no value breaks the list
        _get(c, "/admin/person/", query_string={f"flt0_{index}": "0-99999"})


def test_control_characters_in_the_json_api_are_a_400_naming_the_field(login_as):
    c = login_as("caseworker", offices=("int",))
    body = {"family_name": "Nul\x00l", "given_names": "Sara", "birth_date": "1990-00-00", "sex": "w",
            "nationalities": ["SYR"], "residence_status": "GESTATTUNG"}
    resp = call(c, "POST", "/api/v1/persons", json=body)
    assert resp.status_code == 400 and resp.get_json()["error"].startswith("family_name:")
    resp = call(
        c, "POST", "/api/v1/persons", json={**body, "family_name": "Ok", "nationalities": ["SY\x07R"]}
    )
    assert resp.status_code == 400 and resp.get_json()["error"].startswith("nationalities[0]:")
    assert call(c, "POST", "/api/v1/persons", json={**body, "family_name": "Ok\tTab"}).status_code in (
        201,
        400,
    )


def test_control_characters_in_a_form_are_a_field_error_and_nothing_is_saved(login_as, factory, db):
    p = factory.person(family_name="Haddad", birth="1988-00-00", office="abh", state="arrived")
    c = login_as("caseworker", offices=("abh",))
    page = c.get(f"/admin/person/edit/?id={p.id}").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "family_name": "Had\x00dad", "given_names": p.given_names,
            "birth": "00.00.1988", "sex": p.sex, "nationalities": "SYR", "residence_status": "AE"}
    resp = c.post(f"/admin/person/edit/?id={p.id}", data=form)
    assert resp.status_code == 200 and "unzulässige Steuerzeichen" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert p.family_name == "Haddad"


def test_control_characters_in_a_query_string_answer_400(login_as):
    c = login_as("caseworker", offices=("abh",))
    assert _get(c, "/admin/person/", query_string={"search": "Had\x00dad"}).status_code == 400
    clean = _get(c, "/admin/person/", query_string={"search": "Haddad"})
    assert clean.status_code in (200, 302)  # the search form posts; a GET term is redirected


def test_database_errors_reach_the_log_without_the_values(app, db):
    """A failing statement as the log shows it names the statement, never its parameters (names, AZR
    numbers), neither SQLAlchemy's parameter list nor PostgreSQL's repetition of the value."""
    value = "Qxzylo" + "fantowa" + " 918273645546"  # the traceback shows this source line
    with pytest.raises(Exception) as caught, db.session.begin_nested():
        db.session.execute(text("SELECT CAST(:v AS integer)"), {"v": value})
    assert "SQL parameters hidden" in str(caught.value)  # engine option hide_parameters
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(message)s"))
    disabled, app.logger.disabled = app.logger.disabled, False  # Alembic's fileConfig disabled it
    app.logger.addHandler(handler)
    try:
        raise caught.value
    except Exception:
        app.logger.exception("Exception on /admin/person/ [POST]")
    finally:
        app.logger.removeHandler(handler)
        app.logger.disabled = disabled
    logged = out.getvalue()
    assert "SELECT CAST" in logged and "Traceback" in logged
    assert "Qxzylofantowa" not in logged and "918273645546" not in logged


def test_request_bodies_have_a_size_limit(app, login_as):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    c = login_as("caseworker", offices=("int",))
    resp = c.post("/api/v1/persons", data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                  headers={"Authentication-Token": c.auth_token, "Content-Type": "application/json"})
    assert resp.status_code == 413


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_person_exports_are_not_kept_in_caches(login_as, factory, fmt):
    factory.person(family_name="Exportfall", office="abh")
    c = login_as("caseworker", offices=("abh",))
    resp = c.get(f"/admin/person/export/{fmt}/")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
