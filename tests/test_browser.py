"""Real browser (Debian's Chromium via Playwright) against a live server: login, search, board, transition."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests import live_server as shared
from tests.conftest import TEST_PASSWORD
from tests.live_server import ARTIFACTS, login, serve

pytestmark = pytest.mark.browser
browser_page = shared.browser_page  # the fixture, shared with tests/test_stats_browser.py


def _seed(db):
    """Committed data the browser works on: two users, an open shelter, three persons."""
    from caseapp.people.models import Person
    from tests.factories import Factory

    f = Factory(db)
    f.user(role="caseworker", offices=("abh",), email="sachbearbeitung@stadt-osnabrueck.de")
    f.user(role="shelter_manager", offices=(), email="unterkunft@stadt-osnabrueck.de")
    f.user(role="admin", offices=(), email="verwaltung@stadt-osnabrueck.de")
    f.user(role="caseworker", offices=("soz",), email="ausgeschieden@stadt-osnabrueck.de")
    shelter = f.shelter(name="GU Sedanstraße", rooms=(("1.01", 2), ("1.02", 4, {"blocked_beds": 1})))
    f.person(family_name="Haddad", given_names="Lina", state="arrived", birth="1994-03-00")
    f.person(family_name="Müller-Lüdenscheidt", given_names="Jörg", state="announced")
    resident = f.person(family_name="Okafor", given_names="Grace", state="accommodated", sex="w")
    f.stay(resident, shelter.rooms[0], start=date(2026, 10, 1))
    db.session.commit()
    return {"shelter": shelter.id, "announced": db.session.query(Person.id)
            .filter_by(family_name="Müller-Lüdenscheidt").scalar()}


@pytest.fixture(scope="module")
def live_server(pg_server, tmp_path_factory):
    with serve(pg_server, tmp_path_factory, _seed) as running:
        yield running


def test_caseworker_searches_and_runs_a_transition(live_server, browser_page):
    base, ids = live_server
    page = browser_page
    login(page, base, "sachbearbeitung@stadt-osnabrueck.de")
    page.goto(f"{base}/admin/person/")
    assert page.locator("th", has_text="Staatsangehörigkeit").count() == 1
    page.fill("input[name=search]", "Hadad, Lina")  # the lists' format, one letter short
    page.keyboard.press("Enter")
    page.wait_for_url("**?q=**")
    assert "Lina" not in page.url and "search" not in page.url  # the term stays out of every URL
    rows = page.locator("table.model-list tbody tr")
    assert rows.count() == 1 and "Haddad, Lina" in rows.first.inner_text()
    assert page.input_value("input[name=search]") == "Hadad, Lina"
    page.screenshot(path=str(ARTIFACTS / "person-search.png"), full_page=True)
    page.fill("input[name=search]", "14.03.1994")  # recorded as "00.03.1994": found by a day in March
    with page.expect_navigation():
        page.keyboard.press("Enter")
    rows = page.locator("table.model-list tbody tr")
    assert rows.count() == 1 and "Haddad, Lina" in rows.first.inner_text()

    page.goto(f"{base}/admin/person/details/?id={ids['announced']}")
    assert "Müller-Lüdenscheidt, Jörg" in page.locator("#person-name").inner_text()
    events = page.locator("form.transition-form")
    assert sorted(events.evaluate_all("fs => fs.map(f => f.dataset.event)")) == ["arrive", "depart"]
    arrive = page.locator("form.transition-form[data-event=arrive]")
    arrive.locator("input[name=reason]").fill("Zuweisung durch die Landesaufnahmebehörde")
    arrive.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "Ausgeführt: Ankunft (jetzt: angekommen)" in page.content()
    transitions = page.locator("#person-transitions").inner_text()
    assert "Zuweisung durch die Landesaufnahmebehörde" in transitions and "angekommen" in transitions
    page.screenshot(path=str(ARTIFACTS / "person-transition.png"), full_page=True)

    page.click("#caseapp-lang-switch a[hreflang=en]")
    page.wait_for_load_state()
    assert "Lifecycle steps" in page.content() and "Date of birth" in page.content()


def test_shelter_manager_allocates_from_the_board(live_server, browser_page):
    base, ids = live_server
    page = browser_page
    login(page, base, "unterkunft@stadt-osnabrueck.de")
    page.goto(f"{base}/admin/board/")
    row = page.locator(f"#board tr[data-shelter='{ids['shelter']}']")
    assert row.get_attribute("data-fill") == "success"
    row.locator("a").click()
    page.wait_for_url(f"**/admin/board/{ids['shelter']}/")
    room = page.locator("#bed-grid tr[data-room='1.02']")
    assert room.locator(".bed-free").count() == 3 and room.locator(".bed-blocked").count() == 1
    assert "Okafor, Grace" in page.locator("#bed-grid tr[data-room='1.01']").inner_text()
    room.locator("form.allocate-form button[type=submit]").click()
    page.wait_for_url("**/admin/board/choose/**")
    form = page.locator("#choose-form")
    # Nothing is preselected: the list starts empty and the browser refuses to send it so.
    assert form.locator("select[name=person_id]").input_value() == ""
    form.locator("button[type=submit]").click()
    assert "/admin/board/choose/" in page.url
    form.locator("select[name=person_id]").select_option(label="Haddad, Lina (00.03.1994)")
    form.locator("input[name=reason]").fill("Familie bleibt zusammen")
    form.locator("button[type=submit]").click()
    # A confirmation page names who goes where; nothing has moved yet.
    page.wait_for_url("**/admin/board/allocate/")
    move = page.locator("#confirm-move").inner_text()
    assert "Haddad, Lina" in move and "GU Sedanstraße / Zimmer 1.02" in move
    page.screenshot(path=str(ARTIFACTS / "board-confirm.png"), full_page=True)
    page.click("#confirm-button")
    page.wait_for_url(f"**/admin/board/{ids['shelter']}/")
    room = page.locator("#bed-grid tr[data-room='1.02']")
    assert "Haddad, Lina" in room.locator(".bed-occupied").inner_text()
    assert room.locator(".bed-free").count() == 2
    assert "Ausgeführt: Zuweisung" in page.content()
    page.screenshot(path=str(ARTIFACTS / "board-allocation.png"), full_page=True)
    # The resident list has no field beyond what allocation needs.
    page.goto(f"{base}/admin/resident/")
    headers = page.locator("table.model-list thead th").all_inner_texts()
    assert "Staatsangehörigkeit" not in " ".join(headers) and "Geburtsdatum" in " ".join(headers)


def test_admin_deactivates_an_account_through_the_bulk_action_with_confirmation(live_server, browser_page):
    """Flask-Admin's bulk actions and confirmations are inline onclick handlers, which the CSP blocks;
    caseapp/static/js/csp-handlers.js attaches them as listeners (loaded with the page's nonce)."""
    base, _ids = live_server
    page = browser_page
    violations = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    login(page, base, "verwaltung@stadt-osnabrueck.de")
    page.goto(f"{base}/admin/users/")
    row = page.locator("table.model-list tbody tr", has_text="ausgeschieden@stadt-osnabrueck.de")
    row.locator("input.action-checkbox").check()
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

    page.on("dialog", answer)
    for _attempt in range(2):  # first answered "no": nothing happens; then "yes"
        page.locator("a.dropdown-toggle", has_text="Mit Auswahl").click()
        page.locator("a.dropdown-item", has_text="Deaktivieren").click()
    page.wait_for_load_state()
    assert dialogs == ["Die ausgewählten Konten deaktivieren und ihre Sitzungen beenden?"] * 2
    assert "1 Konto/Konten deaktiviert" in page.content()
    page.screenshot(path=str(ARTIFACTS / "users-deactivated.png"), full_page=True)
    assert not violations or all("onclick" in v or "inline" in v for v in violations)
    assert not any("JavaScript URL" in v for v in violations), violations  # menu toggles are "#" links now
    page.click("button:has-text('Abmelden')")
    page.wait_for_load_state()
    page.goto(f"{base}/login")
    page.fill("input[name=email]", "ausgeschieden@stadt-osnabrueck.de")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("[type=submit]")
    page.wait_for_load_state()
    assert "/admin/" not in page.url  # a deactivated account cannot log in


def test_caseworker_downloads_the_list_as_csv_and_xlsx(live_server, browser_page):
    """The export links of the person list give files with every visible person (streamed by the real
    server, after the audit rows are committed), not only a header."""
    import csv
    import io

    from openpyxl import load_workbook

    base, _ids = live_server
    page = browser_page
    login(page, base, "sachbearbeitung@stadt-osnabrueck.de")
    page.goto(f"{base}/admin/person/")
    files = {}
    for kind in ("csv", "xlsx"):
        page.goto(f"{base}/admin/person/")
        link = page.locator(f"a[href*='/admin/person/export/{kind}/']")
        if not link.is_visible():
            page.locator("a.dropdown-toggle", has_text="Export").first.click()
        with page.expect_download() as download:
            link.click()
        files[kind] = Path(download.value.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["ID", "Familienname", "Vornamen"]
    names = sorted(r[1] for r in rows[1:])
    assert names == ["Haddad", "Müller-Lüdenscheidt", "Okafor"]
    assert any(r[-1] == "GU Sedanstraße / 1.01" for r in rows[1:])  # the shelter column is filled too
    sheet = load_workbook(io.BytesIO(files["xlsx"])).active
    assert sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True)) == names



def test_shelter_manager_prints_both_lists(live_server, browser_page):
    """From the print page, both PDFs of the shelter open: the resident list and the roll-call."""
    import subprocess

    base, _ids = live_server
    page = browser_page
    login(page, base, "unterkunft@stadt-osnabrueck.de")
    page.goto(f"{base}/admin/print/")
    row = page.locator("#print-shelters tr", has_text="GU Sedanstraße")
    lists = (("Bewohnerliste (PDF)", "Bewohnerliste"), ("Evakuierungsliste", "Evakuierungsliste"))
    for link_text, title in lists:
        href = row.locator("a", has_text=link_text).get_attribute("href")
        resp = page.request.get(base + href)  # with the browser's session, as the new tab would send it
        assert resp.status == 200 and resp.headers["content-type"] == "application/pdf"
        text = subprocess.run(["pdftotext", "-", "-"], input=resp.body(), capture_output=True,
                              check=True).stdout.decode()
        assert title in text and "Okafor, Grace" in text and "Vertraulich" in text
