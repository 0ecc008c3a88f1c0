"""Statistics pages, exports and API: who may see them, protected for analysts, exact for caseworkers."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

PAGES = ("/admin/stats/", "/admin/stats/belegung/", "/admin/stats/prognose/")


@pytest.fixture()
def small_city(db, factory):
    """District 07: 5 persons of 25-44 (publishable); district 08: 1 person (must be suppressed);
    district 09: 4 persons. Everyone known to the abh office; one more in 09 known to soz only."""
    for _ in range(5):
        factory.person(district="07", birth="1990-01-01", state="housed")
    factory.person(district="08", birth="1990-01-01", state="housed", family_name="=HYPERLINK(\"x\")")
    for _ in range(4):
        factory.person(district="09", birth="1990-01-01", state="arrived")
    factory.person(district="09", birth="1990-01-01", state="arrived", office="soz")
    shelter = factory.shelter(district="07", rooms=(("1.01", 4),))
    return shelter


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", ["analyst", "admin", "caseworker", "shelter_manager", "auditor"])
def test_pages_open_for_aggregate_readers(login_as, small_city, path, role):
    resp = login_as(role).get(path)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]


@pytest.mark.parametrize("path", PAGES)
def test_pages_closed_without_a_role(login_as, client, path):
    assert login_as(None).get(path).status_code == 403
    assert client.get(path).status_code in (302, 401)


def test_analyst_page_suppresses_the_single_person(login_as, small_city):
    html = login_as("analyst").get("/admin/stats/?rows=district&cols=housing").get_data(as_text=True)
    assert "Schematische Darstellung, keine echten Grenzen" in html
    table = html[html.index('id="population-table"'):html.index("</table>")]
    row_08 = table[table.index("08 Dodesheide"):].split("</tr>")[0]
    # One person: perturbed like every cell (cell-key method), never printed as 1 or 2, nothing hidden.
    cells = [int(v) for v in re.findall(r">\s*(\d+)\s*<", row_08)]
    assert any(v >= 3 for v in cells) and all(v == 0 or v >= 3 for v in cells) and "•" not in row_08
    assert "Cell-Key-Verfahren" in html


def test_caseworker_sees_exact_counts_of_own_offices(login_as, small_city):
    html = login_as("caseworker", offices=("abh",)).get("/admin/stats/?rows=district&cols=housing")
    table = html.get_data(as_text=True)
    table = table[table.index('id="population-table"'):table.index("</table>")]
    row_08 = table[table.index("08 Dodesheide"):].split("</tr>")[0]
    row_09 = table[table.index("09 Gartlage"):].split("</tr>")[0]
    assert "•" not in table and ">1</td>" in row_08
    assert ">4</td>" in row_09  # the soz-only person is not counted for an abh caseworker


def test_api_population_as_interfaces_md(login_as, small_city):
    c = login_as("analyst")
    resp = c.get(
        "/api/v1/stats/population?by=district,age_group", headers={"Authentication-Token": c.auth_token}
    )
    assert resp.status_code == 200
    body = resp.get_json()
    rows = {r["district"]: r["count"] for r in body["rows"]}
    # Every cell by the cell-key method: no 1 or 2 printed (08 has one person), nothing hidden, and the
    # same persons give the same figure in the one-way table.
    assert set(rows) == {"07", "08", "09"} and all(v >= 3 for v in rows.values())
    one_way = c.get("/api/v1/stats/population?by=district", headers={"Authentication-Token": c.auth_token})
    assert {r["district"]: r["count"] for r in one_way.get_json()["rows"]} == rows
    assert body["as_of"] and all(r["age_group"] == "25-44" for r in body["rows"])
    assert "Cell-Key" in body["suppression"]


def test_api_caseworker_exact(login_as, small_city):
    c = login_as("caseworker", offices=("abh",))
    body = c.get(
        "/api/v1/stats/population?by=district", headers={"Authentication-Token": c.auth_token}
    ).get_json()
    assert {r["district"]: r["count"] for r in body["rows"]} == {"07": 5, "08": 1, "09": 4}
    assert body["protected"] is False


@pytest.mark.parametrize("query,message", [
    ("by=district,religion", "religion"),
    ("by=district&as_of=2026-13-01", "as_of"),
    ("by=district&as_of=gestern", "as_of"),
    ("by=district&as_of=2999-01-01", "Zukunft"),
])
def test_api_bad_requests_get_400(login_as, query, message):
    c = login_as("analyst")
    resp = c.get(f"/api/v1/stats/population?{query}", headers={"Authentication-Token": c.auth_token})
    assert resp.status_code == 400 and message in resp.get_json()["error"]


def test_api_needs_login_and_a_role(client, login_as):
    assert client.get("/api/v1/stats/population").status_code == 401
    assert client.get("/api/v1/stats/forecast").status_code == 401
    c = login_as(None)
    resp = c.get("/api/v1/stats/population", headers={"Authentication-Token": c.auth_token})
    assert resp.status_code == 403


def test_api_forecast_answers(login_as, small_city):
    c = login_as("analyst")
    resp = c.get("/api/v1/stats/forecast?years=2&district=07", headers={"Authentication-Token": c.auth_token})
    assert resp.status_code == 200
    body = resp.get_json()
    assert {r["group"] for r in body["rows"]} == {"krippe", "kita", "einschulung", "grundschule", "sek1"}
    assert len(body["years"]) == 2
    bad = c.get("/api/v1/stats/forecast?years=9", headers={"Authentication-Token": c.auth_token})
    assert bad.status_code == 400


def test_exports_are_formula_safe_and_protected(login_as, small_city):
    c = login_as("analyst")
    resp = c.get("/admin/stats/?rows=district&cols=housing&export=csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    text = resp.get_data().decode("utf-8-sig")
    line_08 = next(line for line in text.splitlines() if line.startswith("08"))
    assert all(int(v) >= 3 for v in line_08.split(";")[1:] if v.strip() not in ("", "0"))
    assert "Cell-Key-Verfahren" in text
    resp = c.get("/admin/stats/?rows=district&cols=housing&export=xlsx")
    ws = load_workbook(io.BytesIO(resp.get_data())).active
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    row_08 = next(row for row in values if row[0] == "08 Dodesheide")
    assert values[0][0] == "Stadtteil" and all(v >= 3 for v in row_08[1:] if isinstance(v, int) and v)


def test_safe_cell_defuses_formulas():
    from caseapp.stats.exports import safe_cell, to_csv

    assert safe_cell("=1+1") == "'=1+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("-2") == "'-2"
    assert safe_cell(-2) == -2 and safe_cell(None) == "•"
    assert "'=HYPERLINK" in to_csv(["Name"], [['=HYPERLINK("x")']]).decode("utf-8-sig")


def _row_labels(html: str) -> list[str]:
    import re

    table = html[html.index('id="population-table"'):]
    body = table[table.index("<tbody"):table.index("</tbody>")]
    return re.findall(r"<tr><th>([^<]+)</th>", body)


def test_rows_follow_age_group_order_and_german_country_names(login_as, db, factory):
    """Age groups as configured (not 0-2, 10-15, ..., 3-5, 6-9 as text); nationalities by the German name
    the page shows (not by ISO code: CHE Schweiz would come before DEU Deutschland)."""
    from datetime import date

    today = date.today()
    for age in (1, 4, 7, 12, 30, 50):
        born = date(today.year - age - 1, 1, 1)
        factory.person(birth=born.isoformat(), state="housed")
    for code in ("CHE", "DEU", "EGY", "ESP", "HRV"):
        factory.person(nationalities=(code,), state="housed")
    c = login_as("caseworker", offices=("abh",))
    ages = _row_labels(c.get("/admin/stats/?rows=age_group&cols=sex").get_data(as_text=True))
    assert ages == ["0-2", "3-5", "6-9", "10-15", "25-44", "45-64"]
    names = _row_labels(c.get("/admin/stats/?rows=nationality&cols=sex").get_data(as_text=True))
    assert names == ["Ägypten", "Deutschland", "Kroatien", "Schweiz", "Spanien", "Syrien"]
