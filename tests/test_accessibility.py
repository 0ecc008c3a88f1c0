"""WCAG 2.1 AA (BITV 2.0) in a real browser (Debian's Chromium via Playwright), as docs/accessibility.md
states.

- Every page each role reaches from its menu (lists, details, forms, board, statistics, map, reports, review
  queue, sync runs, audit ...) is checked by axe-core (PyPI axe-playwright-python, which bundles axe.min.js:
  nothing is downloaded) with the WCAG 2.0/2.1 A and AA rules, and by what a tool cannot say: the page's
  language, a skip link to #inhalt as the first thing Tab reaches, header/nav/main landmarks, exactly one h1
  that is also the start of a <title> no other kind of page has.
- A form with errors ties each message to its field (aria-invalid, aria-describedby).
- The main tasks are done with the keyboard alone, and every focused element shows a visible outline.
- At 320 CSS pixels the pages reflow: no sideways scrolling of the page (a data table scrolls in its box).
- Charts and the map have their figures as a table; flash messages and job progress are live regions.
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests import live_server as shared
from tests.conftest import TEST_PASSWORD
from tests.live_server import ARTIFACTS, login, serve

pytestmark = pytest.mark.browser
browser_page = shared.browser_page

WCAG21AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
ROLES = {
    "caseworker": "sachbearbeitung@stadt-osnabrueck.de",
    "shelter_manager": "unterkunft@stadt-osnabrueck.de",
    "admin": "verwaltung@stadt-osnabrueck.de",
    "analyst": "statistik@stadt-osnabrueck.de",
    "auditor": "revision@stadt-osnabrueck.de",
    "data_steward": "datenpflege@stadt-osnabrueck.de",
}
# Where a role starts besides /admin/ (the data steward has no start page).
EXTRA_START = {"data_steward": ["/admin/linkage/"]}
# Links that are downloads, actions or the same page in another language: not pages to check.
SKIP = re.compile(r"export=|/export/|/download/|\.pdf|/pdf/|/lang/|logout|/print/.+|#|/static/|/admin/api/")
MAX_PAGES_PER_ROLE = 45


def _seed(db):
    from caseapp.linkage.models import ReviewPair
    from caseapp.people.models import PersonOffice
    from caseapp.reports.models import ReportJob
    from caseapp.sources.models import SourceRecord, SyncRun
    from tests.factories import Factory

    f = Factory(db)
    for role, email in ROLES.items():
        f.user(role=role, offices=("abh",) if role == "caseworker" else (), email=email)
    shelter = f.shelter(name="GU Sedanstraße", rooms=(("1.01", 2), ("1.02", 4, {"blocked_beds": 1}),
                                                      ("2.01", 6)))
    f.shelter(name="GU Hafen", rooms=(("1", 2),))
    f.person(family_name="Haddad", given_names="Lina", state="arrived", birth="1994-03-00")
    f.person(family_name="Müller-Lüdenscheidt", given_names="Jörg", state="announced")
    resident = f.person(family_name="Okafor", given_names="Grace", state="accommodated", sex="w")
    f.stay(resident, shelter.rooms[0], start=date(2026, 10, 1))
    household = f.household("Familie Rahimi")
    household.office_code = "abh"
    for given, birth, sex in (("Nasrin", "1988-02-11", "w"), ("Omid", "2015-07-01", "m")):
        f.person(family_name="Rahimi", given_names=given, birth=birth, sex=sex, state="arrived",
                 household=household)
    # A second family for the form pages: the keyboard test places the first one.
    waiting = f.household("Familie Yilmaz")
    waiting.office_code = "abh"
    for given, birth, sex in (("Ayşe", "1990-05-03", "w"), ("Emre", "2019-01-20", "m")):
        f.person(family_name="Yılmaz", given_names=given, birth=birth, sex=sex, state="arrived",
                 household=waiting)
    # A review pair for the data steward.
    for source, key, given in (("jug", "JG-502", "Ali Reza"), ("sch", "SC-9002", "Alireza")):
        p = f.person(office=None, family_name="Ahmadi", given_names=given, birth="2012-03-15",
                     nationalities=("AFG",))
        db.session.add(SourceRecord(source_code=source, key=key, person_id=p.id, values_hash="x" * 32))
        db.session.add(PersonOffice(person_id=p.id, office_code=source, via="source"))
    db.session.flush()
    pair = ReviewPair(kind="model", left_source="sch", left_key="SC-9002", right_source="jug",
                      right_key="JG-502", score=3.2, weights={"family_name": 6.1, "given_names": 4.0},
                      reason="Testfall", model_version="2026.12-1")
    db.session.add(pair)
    # An automatic link for the data steward's list and its side-by-side page.
    from caseapp.linkage.models import Link

    db.session.add(Link(source_code="jug", key="JG-502", person_id=p.id - 1, rule="model", score=9.4,
                        weights={"family_name": 6.1, "birth_date": 5.0}, model_version="2026.12-1",
                        decided_by_label="source:jug"))
    db.session.add(ReportJob(committee="jugendhilfe", period="2026-09", status="running", progress=40,
                             step="Tabellen", requested_by_label="cli"))
    db.session.add_all([
        SyncRun(source_code="abh", as_of=date(2026, 11, 30), status="done", records=12, created=2),
        SyncRun(source_code="abh", as_of=date(2026, 12, 1), status="running", records=10, progress=4),
    ])
    db.session.commit()
    return {"shelter": shelter.id, "household": household.id, "waiting_household": waiting.id,
            "pair": pair.id}


@pytest.fixture(scope="module")
def live_server(pg_server, tmp_path_factory):
    with serve(pg_server, tmp_path_factory, _seed) as running:
        yield running


def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _violations(page, axe) -> list[str]:
    """axe's WCAG 2.0/2.1 A and AA findings on the page, one readable line per element."""
    result = axe.run(page, options=WCAG21AA)
    lines = []
    for v in result.response["violations"]:
        for node in v["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"{v['id']} ({v['impact']}): {' '.join(map(str, node['target']))} – {summary[:300]}")
    return lines


STRUCTURE_JS = """() => {
  const focusable = Array.from(
    document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea'));
  const first = focusable[0];
  const h1 = Array.from(document.querySelectorAll('h1'));
  return {
    lang: document.documentElement.lang,
    title: document.title,
    h1: h1.map(h => h.innerText.trim()),
    skip: first ? [first.getAttribute('href'), first.innerText.trim()] : null,
    target: !!document.getElementById('inhalt'),
    header: document.querySelectorAll('header, [role=banner]').length,
    nav: document.querySelectorAll('nav, [role=navigation]').length,
    main: document.querySelectorAll('main, [role=main]').length,
    mainId: (document.querySelector('main') || {}).id,
    levels: Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
      .filter(h => h.offsetParent !== null).map(h => Number(h.tagName[1])),
  };
}"""


def _structure_problems(page) -> list[str]:
    s = page.evaluate(STRUCTURE_JS)
    problems = []
    if s["lang"] not in ("de", "en"):
        problems.append(f"<html lang> is {s['lang']!r}")
    if len(s["h1"]) != 1 or not s["h1"][0]:
        problems.append(f"h1 elements: {s['h1']}")
    elif not s["title"].startswith(s["h1"][0].split("\n")[0][:20]):
        problems.append(f"title {s['title']!r} does not name the page ({s['h1'][0]!r})")
    if s["skip"] != ["#inhalt", "Zum Inhalt springen"] or not s["target"] or s["mainId"] != "inhalt":
        problems.append(f"skip link {s['skip']}, main id {s['mainId']!r}")
    if not (s["header"] and s["nav"] and s["main"] == 1):
        problems.append(f"landmarks header={s['header']} nav={s['nav']} main={s['main']}")
    jumps = [(a, b) for a, b in zip(s["levels"], s["levels"][1:], strict=False) if b > a + 1]
    if jumps:
        problems.append(f"heading levels skip: {s['levels']}")
    return problems


IGNORED_KEYS = ("url", "page", "sort", "desc", "page_size", "as_of", "freq")


def _pattern(url: str) -> tuple:
    """Pages of one kind: the path with numbers taken out and the query's keys (not their values)."""
    parts = urlsplit(url)
    keys = frozenset(k for k, _v in parse_qsl(parts.query) if k not in IGNORED_KEYS)
    return re.sub(r"\d+", "N", parts.path.rstrip("/") + "/"), keys


def _links(page, base: str) -> list[str]:
    hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
    found = []
    for href in hrefs:
        if href.startswith(base + "/admin") and not SKIP.search(href[len(base):]):
            found.append(href)
    return found


REFLOW_JS = """() => document.scrollingElement.scrollWidth"""


def _reflow_problems(page) -> list[str]:
    """WCAG 1.4.10: at 320 CSS pixels the page needs no sideways scrolling (a data table scrolls inside its
    own box, a.11y.css)."""
    page.set_viewport_size({"width": 320, "height": 900})
    try:
        width = page.evaluate(REFLOW_JS)
        if width <= 320:
            return []
        wide = page.evaluate("""() => Array.from(document.querySelectorAll('main *, header *'))
            .filter(e => e.getBoundingClientRect().right > 322 && !e.closest('table'))
            .slice(0, 3).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className)""")
        return [f"reflow: page is {width}px wide at 320px ({wide})"]
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def _crawl(page, base: str, role: str, checked: set, axe) -> dict:
    """Open the role's start page, every page of its menu and the pages those link to; a kind of page
    (_pattern) that an earlier role's crawl checked already is not checked again, the start page (with the
    role's own menu) always is. Returns {url: [problems]}."""
    queue = [base + "/admin/"] + [base + p for p in EXTRA_START.get(role, [])]
    mine, report = set(), {}
    csp: list[str] = []
    page.on("console", lambda msg: csp.append(msg.text) if "Content Security Policy" in msg.text else None)
    first = True
    while queue and len(report) < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        pattern = _pattern(url)
        if pattern in mine or (pattern in checked and not first):
            continue
        mine.add(pattern)
        response = page.goto(url)
        if response.status in (403, 404):
            continue  # not this role's page (the menu links only what it may open)
        assert response.status == 200, (url, response.status)
        first = False
        checked.add(pattern)
        problems = _structure_problems(page) + _violations(page, axe) + _reflow_problems(page)
        problems += [f"CSP: {text[:200]}" for text in csp]  # inline handlers the policy refused
        csp.clear()
        report[url[len(base):]] = (page.title(), problems)
        queue += [u for u in _links(page, base) if _pattern(u) not in mine]
    return report


def test_every_page_of_every_role_passes_axe_and_has_its_structure(live_server, browser_page):
    base, _ids = live_server
    page = browser_page
    axe = _axe()
    page.goto(f"{base}/login")
    engine = axe.run(page, options=WCAG21AA).response["testEngine"]
    assert engine["name"] == "axe-core" and engine["version"].startswith("4."), engine
    failures = {"/login": _structure_problems(page) + _violations(page, axe) + _reflow_problems(page)}
    titles: dict = {}
    checked: set = set()
    pages = 1
    for role, email in ROLES.items():
        page.context.clear_cookies()
        login(page, base, email)
        report = _crawl(page, base, role, checked, axe)
        assert report, role
        pages += len(report)
        for url, (title, problems) in report.items():
            titles.setdefault(title, set()).add(_pattern(base + url)[0])
            if problems:
                failures[f"{role} {url}"] = problems
    page.goto(f"{base}/admin/does-not-exist/")
    failures["404"] = _structure_problems(page) + _violations(page, axe)
    failures = {k: v for k, v in failures.items() if v}
    assert not failures, "\n".join(f"{url}:\n  " + "\n  ".join(p) for url, p in failures.items())
    # Each kind of page has a title of its own (WCAG 2.4.2).
    shared_titles = {t: paths for t, paths in titles.items() if len(paths) > 1}
    assert not shared_titles, shared_titles
    assert pages > 40, pages
    print(f"axe: {pages} pages, {len(checked)} kinds of page, axe-core {engine['version']}")


FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const label = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || el.id || '').trim();
  return {tag: el.tagName, id: el.id, label: label.slice(0, 60),
          visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
}"""


class Keyboard:
    """Drives a page with the keyboard only and remembers every focused element without a visible focus."""

    def __init__(self, page):
        self.page, self.invisible, self.presses = page, [], 0

    def tab_to(self, selector: str, limit: int = 120) -> dict:
        """Tab (forwards) until the element matching selector has the focus."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            self.presses += 1
            focused = self.page.evaluate(FOCUS_JS)
            if focused and not focused["visible"]:
                self.invisible.append(focused)
            if self.page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                                  selector):
                return focused
        raise AssertionError(f"Tab never reached {selector} on {self.page.url}")

    def press(self, key: str, navigates: bool = True) -> None:
        self.presses += 1
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
        else:
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def _status_text(page) -> str:
    return page.locator("#caseapp-messages[role=status]").inner_text()


def test_main_tasks_with_the_keyboard_alone_and_a_visible_focus(live_server, browser_page):
    base, ids = live_server
    page = browser_page
    kb = Keyboard(page)

    # Log in: the skip link comes first, then the fields; Enter sends the form.
    page.goto(f"{base}/login")
    assert kb.tab_to("a.caseapp-skip-link")["label"] == "Zum Inhalt springen"
    kb.tab_to("input[name=email]")
    kb.type(ROLES["caseworker"])
    kb.tab_to("input[name=password]")
    kb.type(TEST_PASSWORD)
    kb.press("Enter")
    page.wait_for_url(f"{base}/admin/")
    # The skip link jumps over the menu to the content.
    kb.tab_to("a.caseapp-skip-link")
    kb.press("Enter", navigates=False)
    assert page.evaluate("document.activeElement.id") == "inhalt"
    page.screenshot(path=str(ARTIFACTS / "a11y-start.png"))

    # Search a person from the start page and open the record.
    kb.tab_to("#start-search-term")
    kb.type("Hadad")
    kb.press("Enter")
    assert "Haddad, Lina" in page.locator("table.model-list tbody").inner_text()
    kb.tab_to("table.model-list tbody a")
    page.screenshot(path=str(ARTIFACTS / "a11y-focus.png"))
    kb.press("Enter")
    assert "Haddad, Lina" in page.locator("#person-name").inner_text()

    # Place a household: the first suggested place, then the confirmation.
    page.goto(f"{base}/admin/household/details/?id={ids['household']}")
    kb.tab_to("button.suggestion-allocate")
    kb.press("Enter")
    assert "Familie Rahimi" in page.locator("#confirm-move").inner_text()
    kb.tab_to("#confirm-button")
    kb.press("Enter")
    assert "Ausgeführt" in _status_text(page), _status_text(page)
    assert "in Gemeinschaftsunterkunft" in page.locator("#household-members").inner_text()

    # Decide a review pair (data steward).
    page.context.clear_cookies()
    login(page, base, ROLES["data_steward"])
    page.goto(f"{base}/admin/linkage/")
    kb.tab_to(f"a[href$='/pair/{ids['pair']}']")
    kb.press("Enter")
    kb.tab_to("button[value=different]")
    kb.press("Enter")
    assert "verschieden" in _status_text(page).lower(), _status_text(page)

    # Request a report (analyst): choose the committee with the arrow keys, keep the period, send.
    page.context.clear_cookies()
    login(page, base, ROLES["analyst"])
    page.goto(f"{base}/admin/reports/")
    kb.tab_to("select#committee")
    page.keyboard.press("ArrowDown")
    kb.tab_to("input#period")
    kb.tab_to("#report-request button[type=submit]")
    kb.press("Enter")
    assert "Bericht" in _status_text(page), _status_text(page)
    assert page.locator("#report-jobs tbody tr").count() == 2

    assert not kb.invisible, f"focus not visible on: {kb.invisible}"
    assert kb.presses < 400, kb.presses


def test_form_errors_are_tied_to_their_fields_and_announced(live_server, browser_page):
    base, _ids = live_server
    page = browser_page
    page.goto(f"{base}/login")
    page.fill("input[name=email]", ROLES["caseworker"])
    page.fill("input[name=password]", "falsch")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    alert = page.locator("[role=alert]").inner_text() + " ".join(
        page.locator("[aria-invalid=true]").evaluate_all(
            "els => els.map(e => document.getElementById(e.getAttribute('aria-describedby')).innerText)"))
    assert alert.strip(), "the failed login says nothing"

    login(page, base, ROLES["caseworker"])
    page.goto(f"{base}/admin/person/new/")
    # The browser's own check of required fields is accessible as it is; switched off here so that the
    # server's messages (the ones our templates render) come back.
    page.evaluate("document.querySelector('form.admin-form').noValidate = true")
    with page.expect_navigation():
        page.locator("form.admin-form [type=submit]").first.click()
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 1
    # The keyboard focus is on the first field in error (static/js/a11y.js).
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    for described in invalid.evaluate_all("els => els.map(e => e.getAttribute('aria-describedby'))"):
        message = page.locator(f"#{described}")
        assert message.count() == 1 and message.inner_text().strip(), described
    assert _status_text(page).strip() or invalid.count()  # Flask-Admin flashes only some failures
    assert not _violations(page, _axe())
    page.screenshot(path=str(ARTIFACTS / "a11y-form-errors.png"), full_page=True)


def test_charts_have_their_figures_as_tables_and_states_are_not_colour_alone(live_server, browser_page):
    base, ids = live_server
    page = browser_page
    login(page, base, ROLES["analyst"])
    page.goto(f"{base}/admin/stats/")
    assert page.locator("#district-map-table tbody tr").count() == 23
    assert page.locator("#pyramid-table tbody tr").count() >= 5
    assert page.locator("#district-map figcaption, #pyramid figcaption").count() == 2
    page.goto(f"{base}/admin/stats/belegung/")
    assert page.locator("#occupancy-chart-table tbody tr").count() >= 90
    assert page.locator("#movement-chart figcaption").count() == 1
    page.goto(f"{base}/admin/stats/prognose/")
    assert page.locator("#forecast-chart figcaption").count() == 1

    page.context.clear_cookies()
    login(page, base, ROLES["shelter_manager"])
    page.goto(f"{base}/admin/board/")
    fills = page.locator("#board td.caseapp-fill").all_inner_texts()
    assert fills and all(re.match(r"^[✓!✕–] \w", t) for t in fills), fills
    page.goto(f"{base}/admin/board/{ids['shelter']}/")
    # Free, blocked and occupied beds differ by a symbol and a word, not by colour alone.
    assert page.locator(".bed-free").first.evaluate("e => getComputedStyle(e, '::before').content") == '"○ "'
    page.screenshot(path=str(ARTIFACTS / "a11y-board.png"), full_page=True)
    # Job and sync progress are live regions.
    page.context.clear_cookies()
    login(page, base, ROLES["admin"])
    page.goto(f"{base}/admin/reports/")
    assert page.locator("#report-jobs-status[role=status]").count() == 1
    page.goto(f"{base}/admin/sync-runs/")
    assert page.locator("#sync-runs-status[role=status]").count() == 1


def test_the_statement_names_the_tests_and_the_axe_version():
    """docs/accessibility.md names the tests that keep it true and the axe-core version they run."""
    from pathlib import Path

    import axe_playwright_python

    root = Path(__file__).resolve().parent.parent
    statement = (root / "docs" / "accessibility.md").read_text(encoding="utf-8")
    bundled = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")[:200]
    version = re.search(r"axe v(\d+\.\d+\.\d+)", bundled)[1]
    assert f"axe-core {version}" in statement, version
    named = set(re.findall(r"`(test_\w+)`", statement))
    here = set(re.findall(r"^def (test_\w+)", Path(__file__).read_text(encoding="utf-8"), re.MULTILINE))
    assert named == here, (named ^ here)
    for heading in ("Stand der Vereinbarkeit", "Nicht barrierefreie Inhalte", "Feedback und Kontakt"):
        assert f"## {heading}" in statement or f"### {heading}" in statement, heading


def test_pages_behind_a_form_pass_axe_too(live_server, browser_page):
    """The crawl follows links; these pages open only by sending a form: the board's choose and confirm
    steps, the household's confirmation and the legacy list's preview. Nothing is confirmed here."""
    from pathlib import Path

    base, ids = live_server
    page = browser_page
    axe = _axe()
    failures = {}
    login(page, base, ROLES["shelter_manager"])
    page.goto(f"{base}/admin/board/{ids['shelter']}/")
    page.locator("#bed-grid tr[data-room='2.01'] form.allocate-form button[type=submit]").click()
    page.wait_for_url("**/admin/board/choose/**")
    failures["board choose"] = _violations(page, axe) + _structure_problems(page)
    page.locator("#choose-form select[name=person_id]").select_option(index=1)
    page.locator("#choose-form button[type=submit]").click()
    page.wait_for_url("**/admin/board/allocate/")
    failures["board confirm"] = _violations(page, axe) + _structure_problems(page)
    page.goto(f"{base}/admin/altlisten/")
    sample = Path(__file__).parent / "data" / "Belegung_Altlisten.xlsx"
    page.set_input_files("#legacy-file", str(sample))
    page.locator("#legacy-upload button[type=submit]").click()
    page.wait_for_url("**/admin/altlisten/*/")
    failures["legacy preview"] = _violations(page, axe) + _structure_problems(page) + _reflow_problems(page)
    page.context.clear_cookies()
    login(page, base, ROLES["caseworker"])
    page.goto(f"{base}/admin/household/details/?id={ids['waiting_household']}")
    page.locator("button.suggestion-allocate").first.click()
    page.wait_for_load_state()
    assert page.locator("#confirm-move").count() == 1
    failures["household confirm"] = _violations(page, axe) + _structure_problems(page)
    failures = {k: v for k, v in failures.items() if v}
    assert failures == {}, "\n".join(f"{k}: {p}" for k, v in failures.items() for p in v)


def test_the_idle_logout_is_announced_and_updates_can_be_paused(live_server, browser_page):
    """WCAG 2.2.1: before the idle logout a dialog offers to extend the session (focus on its button; the
    server answers 204 and the dialog goes). WCAG 2.2.2: a table that updates itself (report jobs) has a
    button that pauses the updates."""
    base, _ids = live_server
    page = browser_page
    login(page, base, ROLES["analyst"])
    page.goto(f"{base}/admin/reports/")
    assert int(page.get_attribute("body", "data-idle-seconds")) == 30 * 60
    pause = page.locator("#report-jobs-pause")
    assert pause.count() == 1 and pause.get_attribute("aria-pressed") == "false"
    pause.click()
    assert pause.get_attribute("aria-pressed") == "true" and "fortsetzen" in pause.inner_text()
    page.evaluate("window.caseappSessionWarning()")
    dialog = page.locator("#session-warning[role=alertdialog]")
    assert "Ihre Sitzung endet in zwei Minuten" in dialog.inner_text()
    assert page.evaluate("document.activeElement.id") == "session-extend"
    assert not _violations(page, _axe())
    with page.expect_response("**/sitzung/verlaengern") as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 204
    page.wait_for_selector("#session-warning", state="detached")
