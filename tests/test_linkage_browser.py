"""The review queue in a real browser as the data steward: the pair side by side, decided, undone."""
from __future__ import annotations

import pytest

from tests import live_server as shared
from tests.live_server import ARTIFACTS, login, serve

pytestmark = pytest.mark.browser
browser_page = shared.browser_page


def _seed(db):
    from caseapp.linkage.models import ReviewPair
    from caseapp.people.models import PersonOffice
    from caseapp.sources.models import SourceRecord
    from tests.factories import Factory

    f = Factory(db)
    f.user(role="data_steward", offices=(), email="datenpflege@stadt-osnabrueck.de")
    ids = {}
    for source, key, given in (("jug", "JG-502", "Ali Reza"), ("sch", "SC-9002", "Alireza")):
        p = f.person(office=None, family_name="Ahmadi", given_names=given, birth="2012-03-15",
                     nationalities=("AFG",), street="Hauptstraße" if source == "jug" else None)
        db.session.add(SourceRecord(source_code=source, key=key, person_id=p.id, values_hash="x" * 32))
        db.session.add(PersonOffice(person_id=p.id, office_code=source, via="source"))
        ids[source] = p.id
    db.session.flush()
    pair = ReviewPair(kind="model", left_source="sch", left_key="SC-9002", right_source="jug",
                      right_key="JG-502", score=3.2,
                      weights={"family_name": 6.1, "given_names": 4.0, "address": 0.0}, reason="Testfall",
                      model_version="2026.12-1")
    db.session.add(pair)
    db.session.commit()
    return {**ids, "pair": pair.id}


@pytest.fixture(scope="module")
def live_server(pg_server, tmp_path_factory):
    with serve(pg_server, tmp_path_factory, _seed) as running:
        yield running


def test_data_steward_decides_a_pair_and_undoes_it(live_server, browser_page):
    base, ids = live_server
    page = browser_page
    login(page, base, "datenpflege@stadt-osnabrueck.de")
    page.goto(f"{base}/admin/linkage/")
    page.click(f"text=Prüffall {ids['pair']}")
    table = page.locator("#pair")
    assert "Ali Reza" in table.inner_text() and "Alireza" in table.inner_text()
    assert "✓ gleich" in table.locator("tr", has_text="Geburtsdatum").inner_text()
    assert "– fehlt" in table.locator("tr", has_text="Anschrift").inner_text()
    assert "Vornamen: +4.0" in page.locator("#why").inner_text()
    page.screenshot(path=str(ARTIFACTS / "linkage-pair.png"), full_page=True)
    with page.expect_navigation():
        page.click("text=Dieselbe Person – zusammenführen")
    assert f"zusammengeführt in Person Nr. {ids['jug']}" in page.content()
    assert "Keine offenen Prüffälle" in page.content()
    with page.expect_navigation():
        page.click("#decided >> text=Trennen")
    assert f"ist wieder Person Nr. {ids['sch']}" in page.content()
