"""Kita and school places per district: entered by analysts, imported from the school office's CSV list
(docs/places-csv.md) with errors that name line and column, and refused to every other role."""
from __future__ import annotations

import io
import re

import pytest

from caseapp.districts.models import DistrictPlaces
from caseapp.districts.places import PlacesError, import_csv, parse_csv, places_for_years

GOOD = ("Stadtteil;Jahr;Krippe;Kindergarten;Erste Klassen;Grundschule\n"
        "07;2027;40;120;45;180\n"
        "7;2028/29;44;;;\n"
        "13 Schinkel;2027;12;80;30;;\n").encode("utf-8-sig")


def _token(c) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', c.get("/admin/").get_data(as_text=True))
    return match.group(1) if match else ""


def test_csv_import_and_a_year_without_entry_takes_the_latest_earlier_one(db):
    result = import_csv(GOOD, file_name="plaetze.csv")
    assert result.values == 8 and result.rows == 3
    places = places_for_years([2026, 2027, 2028, 2030])
    assert places["07"]["krippe"] == {2027: 40, 2028: 44, 2030: 44}  # nothing entered for 2026
    assert places["07"]["kita"] == {2027: 120, 2028: 120, 2030: 120}  # empty cell 2028: 2027's value
    assert "grundschule" not in places["13"]
    row = db.session.scalar(
        db.select(DistrictPlaces).filter_by(district_number="07", kind="krippe", year=2027))
    assert row.source == "csv:plaetze.csv"


def test_csv_errors_name_line_and_column_and_change_nothing(db):
    bad = ("Stadtteil;Jahr;Krippe;Kindergarten\n"
           "07;2027;40;120\n"
           "24;2027;1;2\n"
           "08;nächstes;3;4\n"
           "09;2027;zwölf;4\n"
           "07;2027;1;1\n").encode()
    with pytest.raises(PlacesError) as caught:
        import_csv(bad)
    errors = caught.value.errors
    assert "Zeile 3, Spalte „Stadtteil“: „24“ ist keine Stadtteilnummer (01 bis 23)" in errors
    assert any(e.startswith("Zeile 4, Spalte „Jahr“: „nächstes“") for e in errors)
    assert "Zeile 5, Spalte „Krippe“: „zwölf“ ist keine ganze Zahl ab 0" in errors
    assert "Zeile 6: Stadtteil 07, Jahr 2027 steht schon in Zeile 2" in errors
    assert db.session.scalar(db.select(db.func.count()).select_from(DistrictPlaces)) == 0
    with pytest.raises(PlacesError) as header:
        parse_csv(b"Bezirk;Jahr;Krippe\n07;2027;3\n")
    assert header.value.errors[0] == "Zeile 1: Spalte „Stadtteil“ fehlt"


def test_analyst_enters_places_and_imports_the_csv(db, login_as):
    c = login_as("analyst", offices=())
    page = c.get("/admin/stats/plaetze/?year=2027")
    assert page.status_code == 200 and "Plätze je Stadtteil" in page.get_data(as_text=True)
    saved = c.post("/admin/stats/plaetze/save", data={"csrf_token": _token(c), "year": "2027",
                                                      "p-05-kita": "75", "p-05-krippe": ""})
    assert saved.status_code == 302
    assert places_for_years([2027])["05"] == {"kita": {2027: 75}}
    bad = c.post("/admin/stats/plaetze/import", content_type="multipart/form-data", follow_redirects=True,
                 data={"csrf_token": _token(c), "file": (io.BytesIO(b"Stadtteil;Jahr;Krippe\n05;2027;x\n"),
                                                         "p.csv")})
    assert "Zeile 2, Spalte „Krippe“: „x“ ist keine ganze Zahl ab 0" in bad.get_data(as_text=True)
    ok = c.post("/admin/stats/plaetze/import", content_type="multipart/form-data", follow_redirects=True,
                data={"csrf_token": _token(c), "file": (io.BytesIO(GOOD), "p.csv")})
    assert "Übernommen: 8 Platzzahlen aus 3 Zeilen" in ok.get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "caseworker", "shelter_manager", "auditor", "data_steward"])
def test_other_roles_may_not_see_enter_or_import_places(db, login_as, role):
    c = login_as(role, offices=("abh",) if role == "caseworker" else ())
    token = _token(c)
    assert c.get("/admin/stats/plaetze/").status_code == 403
    assert c.post("/admin/stats/plaetze/save", data={"csrf_token": token, "year": "2027",
                                                     "p-05-kita": "75"}).status_code == 403
    assert c.post("/admin/stats/plaetze/import", content_type="multipart/form-data",
                  data={"csrf_token": token, "file": (io.BytesIO(GOOD), "p.csv")}).status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(DistrictPlaces)) == 0


def test_coverage_rate_is_places_per_100_expected_children(db, factory):
    from datetime import date

    from caseapp.districts.places import set_places
    from caseapp.forecast.model import coverage, forecast

    assert coverage(45, 60) == 75.0 and coverage(None, 60) is None and coverage(10, 0) is None
    base = date.today()
    two = date(base.year - 2, 1, 1) if base.month > 1 else date(base.year - 3, 12, 1)
    for _ in range(8):
        factory.person(district="07", birth=two, state="housed", sex="m")
    for _ in range(4):
        factory.person(district="09", birth=two, state="housed", sex="w")
    next_year = base.year + 1
    set_places("07", "kita", next_year - 1, 6)  # entered for the year before: carried forward
    db.session.flush()
    result = forecast(base, 2)
    row = next(r for r in result.rows if (r["district"], r["year"], r["group"]) == ("07", next_year, "kita"))
    assert (row["middle"], row["places"], row["coverage"]) == (8, 6, 75.0)
    city = next(t for t in result.city_totals() if (t["year"], t["group"]) == (next_year, "kita"))
    # The city's rate covers the districts with places (07), not district 09 without any entered.
    assert city["places"] == 6 and city["coverage"] == 75.0
