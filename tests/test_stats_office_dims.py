"""The other offices' figures (issue 16 item 4): benefit type, youth-welfare measure, Kita status, school
form and language support as dimensions of the statistics and the API - protected for analysts, exact
only for the owning office's caseworkers, refused to other offices' staff."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from caseapp.stats.cellkey import MAX_NOISE

TODAY = date.today()
AS_OF = TODAY - timedelta(days=3)


def _soz_csv(rows: list[tuple[str, str, str]]) -> bytes:
    from caseapp.sources.registry import get_adapter

    columns = [c.name for c in get_adapter("soz").columns_spec]
    lines = [";".join(columns)]
    for key, family, benefit in rows:
        values = {"soz_id": key, "familienname": family, "vornamen": "Test", "geburtsdatum": "12.03.1990",
                  "geschlecht": "m", "staatsangehoerigkeit": "SYR", "leistungsart": benefit,
                  "stadtteil": "07"}
        lines.append(";".join(values.get(c, "") for c in columns))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


@pytest.fixture()
def benefits(db, factory):
    """Social benefits delivered for 12 persons (7 basic benefits, 5 analogous), plus 6 persons the
    office does not know; everyone lives in district 07 and counts in the population."""
    from caseapp.people.models import Person
    from caseapp.sources.operations import import_file

    rows = [(f"SZ-{i}", f"Basis{chr(65 + i)}", "ASYLBLG3") for i in range(7)]
    rows += [(f"SZ-{10 + i}", f"Analog{chr(65 + i)}", "ASYLBLG2") for i in range(5)]
    summary = import_file("soz", _soz_csv(rows), file_name=f"SOZ_{AS_OF:%Y%m%d}.csv", as_of=AS_OF)
    assert summary.records == 12 and summary.rejected == 0, summary
    for person in db.session.scalars(db.select(Person)):
        person.state = "housed"
    for i in range(6):
        factory.person(family_name=f"Ohne{chr(65 + i)}", district="07", state="housed", birth="1985-01-01")
    db.session.commit()


def _api(c, query: str):
    return c.get(f"/api/v1/stats/population?{query}", headers={"Authentication-Token": c.auth_token})


def test_analyst_counts_by_benefit_type_protected(login_as, benefits):
    resp = _api(login_as("analyst"), "by=benefit")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["protected"] is True
    counts = {r["benefit"]: r["count"] for r in body["rows"]}
    assert set(counts) == {"ASYLBLG3", "ASYLBLG2", None}
    for code, true in (("ASYLBLG3", 7), ("ASYLBLG2", 5), (None, 6)):
        assert abs(counts[code] - true) <= MAX_NOISE and counts[code] >= 3, (code, counts)


def test_soz_caseworker_counts_exactly_and_other_offices_are_refused(login_as, benefits):
    body = _api(login_as("caseworker", offices=("soz",)), "by=benefit").get_json()
    assert body["protected"] is False
    assert {r["benefit"]: r["count"] for r in body["rows"]} == {"ASYLBLG3": 7, "ASYLBLG2": 5}
    resp = _api(login_as("caseworker", offices=("abh",)), "by=district,benefit")
    assert resp.status_code == 400
    assert "Sozialamt" in resp.get_json()["error"]
    # a filter on another office's fact is refused the same way
    assert _api(login_as("caseworker", offices=("jug",)), "by=district&benefit=ASYLBLG3").status_code == 400


def test_a_fact_counts_from_the_day_it_was_delivered(login_as, benefits):
    before = _api(login_as("caseworker", offices=("soz",)),
                  f"by=benefit&as_of={(AS_OF - timedelta(days=1)).isoformat()}").get_json()
    assert {r["benefit"] for r in before["rows"]} <= {None}


def test_statistics_page_offers_office_dimensions_only_to_those_who_may_count_by_them(login_as, benefits):
    page = login_as("analyst").get("/admin/stats/?rows=district&cols=benefit").get_data(as_text=True)
    assert "Leistungsart (Sozialamt)" in page and "Grundleistungen § 3 AsylbLG" in page
    assert "ohne Angabe" in page
    other = login_as("caseworker", offices=("abh",)).get("/admin/stats/?rows=district&cols=benefit")
    text = other.get_data(as_text=True)
    assert other.status_code == 200
    assert "Grundleistungen" not in text and "Leistungsart (Sozialamt)" not in text


def _jug_csv(rows) -> bytes:
    from caseapp.sources.registry import get_adapter

    columns = [c.name for c in get_adapter("jug").columns_spec]
    lines = [";".join(columns)]
    for key, family, born, measure, kita in rows:
        values = {"jug_id": key, "familienname": family, "vornamen": "Kind", "geburtsdatum": born,
                  "geschlecht": "w", "staatsangehoerigkeit": "AFG", "massnahme": measure, "kita": kita,
                  "stadtteil": "05"}
        lines.append(";".join(values.get(c, "") for c in columns))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def test_jugendhilfe_report_shows_unaccompanied_minors_and_kita_waiting_lists_protected(app, db):
    from caseapp.people.models import Person
    from caseapp.sources.operations import import_file
    from tests.test_reports_content import _render

    rows = [(f"JG-{i}", f"Uma{chr(65 + i)}", "12.03.2010", "UMA_HILFE", "") for i in range(6)]
    rows += [(f"JG-{10 + i}", f"Kita{chr(65 + i)}", "01.02.2022", "KEINE", "WARTEND") for i in range(5)]
    summary = import_file("jug", _jug_csv(rows), file_name=f"JUG_{AS_OF:%Y%m%d}.csv", as_of=AS_OF)
    assert summary.rejected == 0, summary.errors
    for person in db.session.scalars(db.select(Person)):
        person.state = "housed"
    db.session.commit()
    _, text = _render("jugendhilfe")
    flat = " ".join(text.split())
    assert "Unbegleitete Minderjährige in der Jugendhilfe (Angaben des Jugendamts)" in flat
    assert "Jugendhilfe für UMA" in flat and "wartet auf einen Kita-Platz" in flat
    uma = flat.split("Unbegleitete Minderjährige am", 2)[1]
    district_row = uma.split("05 ", 1)[1].split("Insgesamt", 1)[0]
    numbers = [int(x) for x in district_row.split() if x.isdigit()]
    assert numbers and all(n >= 3 for n in numbers)  # never a 1 or 2, every figure protected
    assert "UmaA" not in text and "KitaA" not in text  # no name ever
