"""Everyday casework in a real browser (issue 15): a family of four placed in at most 8 clicks, a bed for a
single woman away from unrelated men, and an old Excel list imported through its preview."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests import live_server as shared
from tests.live_server import ARTIFACTS, login, serve

pytestmark = pytest.mark.browser
browser_page = shared.browser_page

CASEWORKER = "fallarbeit@stadt-osnabrueck.de"
MANAGER = "heimleitung@stadt-osnabrueck.de"
SAMPLE = Path(__file__).parent / "data" / "Belegung_Altlisten.xlsx"


def _seed(db):
    from tests.factories import Factory

    f = Factory(db)
    f.user(role="caseworker", offices=("int",), email=CASEWORKER)
    f.user(role="shelter_manager", offices=(), email=MANAGER)
    # Only one shelter can take a family with a wheelchair user: a barrier-free family room.
    rosen = f.shelter(name="GU Rosenplatz", district="09", rooms=(
        ("0.01", 4, {"family": True, "accessible": True}), ("1.01", 2)))
    f.shelter(name="GU Schinkel", district="13", rooms=(("0.02", 5, {"family": True, "accessible": True}),))
    f.shelter(name="GU Treppenhaus", district="05", rooms=(("2.01", 6, {"family": True}),))
    # A man alone in a two-bed room of Rosenplatz; a women's room elsewhere.
    man = f.person(family_name="Petrov", given_names="Ivan", sex="m", state="accommodated")
    f.stay(man, rosen.rooms[1], start=date(2026, 11, 1))
    f.shelter(name="GU Frauenhaus Wüste", district="11", rooms=(("W1", 2, {"women_only": True}),))
    woman = f.person(family_name="Nasser", given_names="Amal", sex="w", birth="1997-04-02", state="arrived")
    # The two shelters of the sample workbook.
    f.shelter(name="GU Am Hafen", rooms=(("1.01", 4, {"family": True}), ("1.02", 2),
                                         ("2.01", 2, {"women_only": True}), ("2.02", 2)))
    f.shelter(name="GU Lotter Straße", rooms=(("A1", 3), ("A2", 2)))
    db.session.commit()
    return {"beside_man": rosen.rooms[1].id, "woman": woman.id}


@pytest.fixture(scope="module")
def live_server(pg_server, tmp_path_factory):
    with serve(pg_server, tmp_path_factory, _seed) as running:
        yield running


class Clicks:
    """Counts what a user does with the mouse: clicks on links, buttons and choices in a list."""

    def __init__(self, page):
        self.page, self.n = page, 0

    def click(self, selector, **kw):
        self.n += 1
        self.page.locator(selector).first.click(**kw)

    def select(self, selector, **kw):
        self.n += 1  # opening the list and choosing count as one
        self.page.locator(selector).first.select_option(**kw)


def _register(page, base, family, given, birth, sex, *, household="", needs=""):
    page.goto(f"{base}/admin/person/new/")
    page.fill("input[name=family_name]", family)
    page.fill("input[name=given_names]", given)
    page.fill("input[name=birth]", birth)
    page.select_option("select[name=sex]", sex)
    page.select_option("select[name=nationality]", label="Syrien")
    page.select_option("select[name=residence_status]", "GESTATTUNG")
    if household:
        page.select_option("select[name=household_id]", label=household)
    if needs:
        page.fill("input[name=needs]", needs)
    page.locator("form.admin-form [type=submit]").first.click()
    page.wait_for_url("**/admin/person/details/**")
    return page.url


def test_caseworker_places_a_family_of_four_in_at_most_eight_clicks(live_server, browser_page):
    base, _ = live_server
    page = browser_page
    login(page, base, CASEWORKER)
    page.goto(f"{base}/admin/household/new/")
    page.fill("input[name=label]", "Familie Yilmaz")
    page.locator("form.admin-form [type=submit]").first.click()
    page.wait_for_load_state()
    _register(page, base, "Yilmaz", "Ayse", "12.03.1986", "w", household="Familie Yilmaz")
    _register(page, base, "Yilmaz", "Mehmet", "02.11.1983", "m", household="Familie Yilmaz",
              needs="rollstuhl")
    _register(page, base, "Yilmaz", "Elif", "20.06.2014", "w", household="Familie Yilmaz")
    person_page = _register(page, base, "Yilmaz", "Can", "05.01.2018", "m", household="Familie Yilmaz")

    # From the last person's page: to the household, take the first suggestion, confirm.
    clicks = Clicks(page)
    page.goto(person_page)
    clicks.click("#person-household a")
    page.wait_for_url("**/admin/household/details/**")
    # The family arrives together: one step for all four, confirmed.
    clicks.click("form.household-event[data-event=arrive] button[type=submit]")
    page.wait_for_load_state()
    clicks.click("#confirm-button")
    page.wait_for_url("**/admin/household/details/**")
    assert page.locator("#household-members").inner_text().count("angekommen") == 4
    suggestions = page.locator("#household-suggestions tbody tr")
    assert "GU Rosenplatz" in suggestions.first.inner_text()  # the only barrier-free family room
    assert "GU Treppenhaus" not in page.locator("#household-suggestions").inner_text()
    clicks.click("#household-suggestions .suggestion-allocate")
    page.wait_for_load_state()
    confirm = page.content()
    assert "Ayse" in confirm and "Mehmet" in confirm and "GU Rosenplatz" in confirm
    clicks.click("#confirm-button")
    page.wait_for_url("**/admin/household/details/**")
    assert clicks.n <= 8, f"placing the family took {clicks.n} clicks"
    members = page.locator("#household-members").inner_text()
    assert members.count("in Gemeinschaftsunterkunft") == 4, members
    page.screenshot(path=str(ARTIFACTS / "household-placed.png"), full_page=True)

    # Relocate the whole family to the other barrier-free family room, then move it out.
    relocate = page.locator("form.household-event[data-event=relocate]")
    relocate.locator("select[name=shelter_id]").select_option(label="GU Schinkel")
    relocate.locator("input[name=reason]").fill("Rosenplatz wird saniert")
    relocate.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("#confirm-button").click()
    page.wait_for_url("**/admin/household/details/**")
    assert "Verlegung" in page.content()
    page.goto(f"{base}/admin/board/")
    page.locator("#board a:has-text('GU Schinkel')").click()
    assert page.locator("#bed-grid tr[data-room='0.02'] .bed-occupied").count() == 4
    page.go_back()
    page.go_back()
    out = page.locator("form.household-event[data-event=move_out]")
    out.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("#confirm-button").click()
    page.wait_for_url("**/admin/household/details/**")
    assert page.locator("#household-members").inner_text().count("in Wohnung") == 4


def test_shelter_manager_finds_a_bed_for_a_single_woman_away_from_unrelated_men(live_server, browser_page):
    base, ids = live_server
    page = browser_page
    login(page, base, MANAGER)
    page.goto(f"{base}/admin/board/")
    page.fill("#finder-size", "1")
    page.select_option("#finder-kind", "frau")
    page.locator("#finder-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "GU Frauenhaus Wüste" in page.locator("#finder-results").inner_text()
    # Her own page: every suggested room keeps her away from Ivan Petrov (a free bed beside him in 1.01).
    page.goto(f"{base}/admin/resident/details/?id={ids['woman']}")
    rooms = page.locator("#person-suggestions input[name=room_id]").evaluate_all("es => es.map(e => e.value)")
    assert rooms and str(ids["beside_man"]) not in rooms
    page.locator("#person-suggestions .suggestion-allocate").first.click()
    page.wait_for_load_state()
    target = page.locator("#confirm-move").inner_text()
    assert "Nasser, Amal" in target and "GU Rosenplatz / Zimmer 1.01" not in target
    page.click("#confirm-button")
    page.wait_for_load_state()
    assert "Ausgeführt: Zuweisung" in page.content()


def test_shelter_manager_imports_the_sample_list_through_the_preview(live_server, browser_page):
    base, _ = live_server
    page = browser_page
    login(page, base, MANAGER)
    page.goto(f"{base}/admin/altlisten/")
    page.set_input_files("#legacy-file", str(SAMPLE))
    page.locator("#legacy-upload button[type=submit]").click()
    page.wait_for_url("**/admin/altlisten/*/")
    summary = page.locator("#legacy-summary").inner_text()
    assert "12 neue Personen" in summary and "4 Zeilen können nicht zugeordnet werden" in summary
    rows = page.locator("#legacy-rows").inner_text()
    assert "Zimmer „9.99“ gibt es in „GU Am Hafen“ nicht" in rows
    page.screenshot(path=str(ARTIFACTS / "legacy-preview.png"), full_page=True)
    page.locator("#legacy-apply button[type=submit]").click()
    page.wait_for_load_state()
    assert "Importiert: 12 neue und 0 bekannte Personen eingezogen" in page.content()
    page.goto(f"{base}/admin/board/")
    page.locator("#board a:has-text('GU Am Hafen')").click()
    assert "Hussein, Hassan" in page.locator("#bed-grid tr[data-room='1.01']").inner_text()
    page.goto(f"{base}/admin/altlisten/offen/")
    assert "Diallo" in page.locator("#legacy-open").inner_text()
