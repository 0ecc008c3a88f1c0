"""Person admin: who sees which persons and fields, German labels, transitions by POST, safe exports."""
from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

XSS = "<script>alert(1)</script>"


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def listed(html: str) -> set[int]:
    """Ids of the persons shown as rows of a list page (their detail links)."""
    return {int(i) for i in re.findall(r"details/\?id=(\d+)", html)}


def audit_rows(db, action, object_id=None):
    from caseapp.audit.models import AuditEvent

    stmt = select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_type == "person")
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == str(object_id))
    return db.session.scalars(stmt).all()


def test_caseworker_list_shows_only_persons_of_own_offices(login_as, factory):
    factory.person(family_name="Abhperson", office="abh")
    factory.person(family_name="Sozperson", office="soz")
    html = login_as("caseworker", offices=("abh",)).get("/admin/person/").get_data(as_text=True)
    assert "Abhperson" in html
    assert "Sozperson" not in html


def test_person_of_another_office_answers_like_a_missing_one(login_as, factory):
    other = factory.person(family_name="Fremdamt", office="soz")
    c = login_as("caseworker", offices=("abh",))
    hidden = c.get(f"/admin/person/details/?id={other.id}")
    missing = c.get("/admin/person/details/?id=99999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data() == missing.get_data()
    assert c.get(f"/admin/person/details/?id={other.id}&x=1").status_code == 404
    assert other.id not in listed(
        c.get("/admin/person/?search=Fremdamt", follow_redirects=True).get_data(as_text=True)
    )


@pytest.mark.parametrize("role", ["analyst", "auditor", "admin", None])
@pytest.mark.parametrize("url", ["/admin/person/", "/admin/resident/", "/admin/household/",
                                 "/admin/person/export/csv/"])
def test_roles_without_person_access_get_403(login_as, role, url):
    assert login_as(role).get(url).status_code == 403


def test_anonymous_is_sent_to_login(client):
    resp = client.get("/admin/person/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_shelter_manager_sees_allocation_fields_only(login_as, factory):
    p = factory.person(family_name="Bewohnerin", nationalities=("AFG",), residence_status="DULDUNG",
                       azr_number="123456789012", needs="rollstuhl", sex="w")
    factory.person(family_name="Weggezogen", state="departed")
    c = login_as("shelter_manager", offices=())
    listing = c.get("/admin/resident/").get_data(as_text=True)
    assert "Bewohnerin" in listing and "rollstuhl" in listing
    assert "Weggezogen" not in listing
    assert "Afghanistan" not in listing and "Duldung" not in listing
    page = c.get(f"/admin/resident/details/?id={p.id}").get_data(as_text=True)
    assert "Bewohnerin" in page and "weiblich" in page
    for secret in ("Afghanistan", "Duldung", "123456789012", "Aufenthaltsstatus"):
        assert secret not in page
    # The full view is the caseworker's only.
    assert c.get("/admin/person/").status_code == 403


def test_list_and_detail_speak_german_with_umlauts(login_as, factory):
    p = factory.person(family_name="Özdemir", nationalities=("TUR",))
    c = login_as("caseworker")
    listing = c.get("/admin/person/").get_data(as_text=True)
    for word in ("Geburtsdatum", "Staatsangehörigkeit", "Aufenthaltsstatus", "Türkei", "Özdemir",
                 "Name, Geburtsdatum, AZR-Nummer oder Nr.", "Stadtteil"):
        assert word in listing, word
    # Flask-Admin's own strings come from its bundled German catalog.
    assert "Liste" in listing and "Filter hinzufügen" in listing
    page = c.get(f"/admin/person/details/?id={p.id}").get_data(as_text=True)
    assert "Ankunft" in page and "Zeitachse" in page and "angekündigt" in page


def test_english_switch_and_no_open_redirect(login_as):
    c = login_as("caseworker")
    resp = c.get("/lang/en?next=/admin/person/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/person/")
    english = c.get("/admin/person/").get_data(as_text=True)
    assert "Nationality" in english and "Date of birth" in english and "List" in english
    assert c.get("/lang/de?next=https://evil.example/").headers["Location"].endswith("/admin/")
    assert "Geburtsdatum" in c.get("/admin/person/").get_data(as_text=True)


def test_name_search_and_filters_narrow_the_list(login_as, factory):
    a = factory.person(family_name="Haddad", given_names="Lina", nationalities=("SYR",))
    b = factory.person(
        family_name="Popescu", given_names="Ana", nationalities=("ROU",), residence_status="EU"
    )
    c = login_as("caseworker")
    assert listed(c.get("/admin/person/?search=hadd lin", follow_redirects=True).get_data(as_text=True)) == {
        a.id
    }
    assert (
        listed(c.get("/admin/person/?search=100%25", follow_redirects=True).get_data(as_text=True)) == set()
    )
    # Filters by position: 2 = nationality, 3 = residence status.
    assert listed(c.get("/admin/person/?flt1_2=ROU").get_data(as_text=True)) == {b.id}
    assert listed(c.get("/admin/person/?flt1_3=EU").get_data(as_text=True)) == {b.id}


def test_name_search_ignores_accents_and_case(login_as, factory):
    """Names arrive in many transliterations: the search finds Zieliński, Çelik and İbrahim without the
    diacritics, and the accented spelling still finds them."""
    z = factory.person(family_name="Zieliński", given_names="Łukasz")
    c_ = factory.person(family_name="Çelik", given_names="Ayşe")
    i = factory.person(family_name="İbrahim", given_names="Nour")
    factory.person(family_name="Zielke", given_names="Anna")
    c = login_as("caseworker")
    for term, expected in (("zielinski", {z.id}), ("ZIELIŃSKI", {z.id}), ("lukasz", {z.id}),
                           ("celik ayse", {c_.id}), ("ibrahim", {i.id}), ("Çelik", {c_.id}), ("ci", set())):
        found = listed(c.get(f"/admin/person/?search={term}", follow_redirects=True).get_data(as_text=True))
        assert found == expected, term


def listed_in_order(html: str) -> list[int]:
    return [int(i) for i in re.findall(r"details/\?id=(\d+)", html)]


def test_common_name_search_pages_in_german_name_order_without_hidden_persons(login_as, factory, app):
    """A name carried by many persons: every page holds the next visible matches in name order.

    On PostgreSQL this takes the path that sorts the matches before checking access (admin/people.py);
    persons of another office are mixed in so that a page filled before the access check would show.
    """
    view = next(v for v in app.extensions["admin"][0]._views if type(v).__name__ == "PersonView")
    givens = ["Zainab", "Ärzu", "Amina", "Omar", "Öykü", "Bashir", "Lina", "Ülkü"]
    mine, hidden = [], []
    for i in range(2 * view.page_size):  # two thirds visible: one full page and a part of the next
        family = ["Haddad", "Al-Haddad", "Haddadi", "Ohaddad"][i % 4]
        person = factory.person(family_name=family, given_names=f"{givens[i % len(givens)]} {i:03d}",
                                office="abh" if i % 3 else "soz")
        (mine if i % 3 else hidden).append(person)
    factory.person(family_name="Popescu", given_names="Ana")
    c = login_as("caseworker", offices=("abh",))

    def key(p):  # German dictionary order: umlauts sort with their base letters
        import unicodedata

        fold = lambda s: unicodedata.normalize("NFD", s).encode("ascii", "ignore").decode().lower()
        return (fold(p.family_name), fold(p.given_names), p.id)

    expected = [p.id for p in sorted(mine, key=key)]
    first = listed_in_order(
        c.get("/admin/person/?search=haddad", follow_redirects=True).get_data(as_text=True)
    )
    second = listed_in_order(
        c.get("/admin/person/?search=haddad&page=1", follow_redirects=True).get_data(as_text=True)
    )
    assert first + second == expected
    assert len(first) == view.page_size
    descending = listed_in_order(
        c.get("/admin/person/?search=haddad&sort=0&desc=1", follow_redirects=True).get_data(as_text=True)
    )
    assert descending == list(reversed(expected))[:view.page_size]
    # With another filter the general path answers, with the same rows.
    filtered = listed_in_order(
        c.get("/admin/person/?search=haddad&flt1_2=SYR", follow_redirects=True).get_data(as_text=True)
    )
    assert filtered == expected[:view.page_size]


def test_detail_page_is_audited_and_shows_the_timeline(login_as, factory, db):
    shelter = factory.shelter(name="GU Zeitachse")
    p = factory.person(family_name="Verlauf", state="accommodated")
    factory.stay(p, shelter.rooms[0])
    c = login_as("caseworker")
    page = c.get(f"/admin/person/details/?id={p.id}").get_data(as_text=True)
    assert "GU Zeitachse" in page
    rows = audit_rows(db, "read", p.id)
    assert len(rows) == 1 and rows[0].user_id == c.user.id and rows[0].channel == "admin"


def test_transition_buttons_post_with_csrf_and_run_the_operation(login_as, factory, db):
    from caseapp.workflows.models import Transition

    p = factory.person(family_name="Neuankunft", state="announced")
    c = login_as("caseworker")
    page = c.get(f"/admin/person/details/?id={p.id}").get_data(as_text=True)
    # Exactly the steps allowed now: arrival and departure, no allocation.
    assert set(re.findall(r'data-event="(\w+)"', page)) == {"arrive", "depart"}
    form = {"event": "arrive", "date": "2026-11-20", "reason": "Bus aus Friedland"}
    assert c.post(f"/admin/person/transition/{p.id}/", data=form).status_code == 400  # no token
    db.session.refresh(p)
    assert p.state == "announced"
    resp = c.post(f"/admin/person/transition/{p.id}/", data={**form, "csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    db.session.refresh(p)
    assert p.state == "arrived"
    step = db.session.scalars(select(Transition).where(Transition.entity_id == p.id,
                                                       Transition.event == "arrive")).one()
    assert step.reason == "Bus aus Friedland" and step.occurred_on.isoformat() == "2026-11-20"
    after = c.get(f"/admin/person/details/?id={p.id}").get_data(as_text=True)
    assert "Bus aus Friedland" in after and "angekommen" in after
    # A step not allowed now is refused with a German message, nothing changes.
    c.post(f"/admin/person/transition/{p.id}/", data={"event": "arrive", "csrf_token": csrf_from(after)})
    db.session.refresh(p)
    assert p.state == "arrived"
    assert "nicht möglich" in c.get(f"/admin/person/details/?id={p.id}").get_data(as_text=True)


def test_caseworker_cannot_run_a_transition_on_a_hidden_person(login_as, factory, db):
    p = factory.person(office="soz")
    mine = factory.person(office="abh")
    c = login_as("caseworker", offices=("abh",))
    token = csrf_from(c.get(f"/admin/person/details/?id={mine.id}").get_data(as_text=True))
    resp = c.post(f"/admin/person/transition/{p.id}/", data={"event": "arrive", "csrf_token": token})
    assert resp.status_code == 404
    db.session.refresh(p)
    assert p.state == "announced"


def test_xss_name_is_escaped_in_list_detail_and_export(login_as, factory):
    p = factory.person(family_name=XSS)
    c = login_as("caseworker")
    for url in ("/admin/person/", f"/admin/person/details/?id={p.id}"):
        html = c.get(url).get_data(as_text=True)
        assert XSS not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    export = c.get("/admin/person/export/csv/")
    assert export.mimetype == "text/csv" and "attachment" in export.headers["Content-Disposition"]
    assert XSS in export.get_data(as_text=True)  # data, delivered as a download, never as HTML


def test_export_neutralises_formulas_and_is_audited(login_as, factory, db):
    p = factory.person(family_name="=HYPERLINK(\"http://x\")", given_names="@SUM(A1)", legal_basis="-1+1")
    c = login_as("caseworker")
    listing = c.get("/admin/person/").get_data(as_text=True)
    assert "Exporte enthalten höchstens 1.000 Personen in der angezeigten Reihenfolge" in listing
    body = c.get("/admin/person/export/csv/").get_data()
    assert body.startswith("\ufeffID;Familienname;Vornamen;".encode())  # what German Excel opens as columns
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    header, data = rows[0], next(r for r in rows[1:] if r[0] == str(p.id))
    assert header[:3] == ["ID", "Familienname", "Vornamen"]
    assert data[1] == "'=HYPERLINK(\"http://x\")" and data[2] == "'@SUM(A1)"
    assert data[header.index("Rechtsgrundlage")] == "'-1+1"
    assert [r.detail for r in audit_rows(db, "export", p.id)] == ["format=csv"]


def test_xlsx_export_holds_text_not_formulas(login_as, factory):
    from openpyxl import load_workbook

    p = factory.person(family_name="+4915112345", given_names="=1+1")
    resp = login_as("caseworker").get("/admin/person/export/xlsx/")
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.get_data())).active
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] in (p.id, str(p.id)))
    assert row[1] == "'+4915112345" and row[2] == "'=1+1"


def test_shelter_manager_cannot_export(login_as, factory):
    factory.person(family_name="Kein Export")
    resp = login_as("shelter_manager", offices=()).get("/admin/resident/export/csv/")
    assert "Kein Export" not in resp.get_data(as_text=True)
    assert resp.mimetype != "text/csv"


def test_caseworker_registers_a_person_through_the_operation(login_as, db):
    from caseapp.people.models import Person

    c = login_as("caseworker", offices=("int",))
    token = csrf_from(c.get("/admin/person/new/").get_data(as_text=True))
    form = {"csrf_token": token, "family_name": "Ahmadi", "given_names": "Sara", "birth": "2001-00-00",
            "sex": "w", "nationality": "AFG", "further_nationalities": ["IRN"],
            "residence_status": "GESTATTUNG", "office": "int"}
    assert c.post("/admin/person/new/", data=form).status_code == 302
    p = db.session.scalars(select(Person).where(Person.family_name == "Ahmadi")).one()
    assert p.state == "announced" and p.registered_by_office == "int"
    assert p.nationality_codes == ["AFG", "IRN"] and p.birth.german == "00.00.2001"
    assert audit_rows(db, "create", p.id)
    bad = c.post("/admin/person/new/", data={**form, "family_name": "Zweite", "birth": "2001-13-00"})
    assert "Monat 13" in bad.get_data(as_text=True)


def test_the_registration_form_takes_the_german_date_and_says_in_german_what_is_wrong(login_as, db):
    """A caseworker types the birth date as printed (00.05.1990); a wrong value is named at its field in
    German, the other input is kept, and Flask-Admin's own messages are German too."""
    from caseapp.people.models import Person

    c = login_as("caseworker", offices=("int",))
    page = c.get("/admin/person/new/").get_data(as_text=True)
    assert "TT.MM.JJJJ; 00 für unbekannten Tag oder Monat" in page
    form = {"csrf_token": csrf_from(page), "family_name": "Nuur", "given_names": "Nimco",
            "birth": "00.05.1990", "sex": "w", "nationality": "SOM", "further_nationalities": ["ETH"],
            "residence_status": "AE", "office": "int"}
    assert c.post("/admin/person/new/", data=form).status_code == 302
    p = db.session.scalars(select(Person).where(Person.family_name == "Nuur")).one()
    assert p.birth.german == "00.05.1990" and p.nationality_codes == ["SOM", "ETH"]
    edit = c.get(f"/admin/person/edit/?id={p.id}").get_data(as_text=True)
    assert 'value="00.05.1990"' in edit

    bad = c.post("/admin/person/new/", data={**form, "family_name": "Zweite", "birth": "31.02.1990"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "<li>Den Tag 31.02.1990 gibt es nicht</li>" in text  # at the field
    assert 'value="Zweite"' in text  # the rest of the input is kept
    future = c.post("/admin/person/new/", data={**form, "csrf_token": csrf_from(text),
                                                "family_name": "Vierte",
                                                "birth": "17.05.2090"}).get_data(as_text=True)
    assert "Nicht gespeichert: Geburtsdatum: Das Geburtsdatum liegt in der Zukunft" in future
    assert "birth_date" not in future  # the label, not the column
    azr = c.post("/admin/person/new/", data={**form, "csrf_token": csrf_from(text), "family_name": "Dritte",
                                             "azr_number": "12345"})
    text = azr.get_data(as_text=True)
    assert "Genau 12 Ziffern, wie auf dem Ankunftsnachweis" in text
    assert "Datensatz konnte nicht erstellt werden." in text and "Failed to create record" not in text
    assert (
        db.session.scalars(select(Person).where(Person.family_name.in_(("Zweite", "Dritte", "Vierte")))).all()
        == []
    )


def test_households_show_only_visible_members(login_as, factory):
    h = factory.household(label="Familie Sichtbar")
    factory.person(family_name="Mitglied", household=h, office="abh")
    factory.person(family_name="Versteckt", household=h, office="soz")
    factory.household(label="Familie Fremd")
    c = login_as("caseworker", offices=("abh",))
    listing = c.get("/admin/household/").get_data(as_text=True)
    assert "Familie Sichtbar" in listing and "Familie Fremd" not in listing
    page = c.get(f"/admin/household/details/?id={h.id}").get_data(as_text=True)
    assert "Mitglied" in page and "Versteckt" not in page


def test_households_can_be_searched_and_sorted_by_label_within_what_the_user_may_see(login_as, factory):
    a = factory.household(label="Familie Okafor")
    b = factory.household(label="Familie Abadi")
    hidden = factory.household(label="Familie Okonkwo")
    factory.person(family_name="Okafor", household=a, office="abh")
    factory.person(family_name="Abadi", household=b, office="abh")
    factory.person(family_name="Okonkwo", household=hidden, office="soz")
    c = login_as("caseworker", offices=("abh",))
    found = c.get("/admin/household/?search=oka", follow_redirects=True).get_data(as_text=True)
    assert "Familie Okafor" in found and "Familie Okonkwo" not in found and "Familie Abadi" not in found
    listing = c.get("/admin/household/").get_data(as_text=True)
    assert listing.index("Familie Abadi") < listing.index("Familie Okafor")  # by label


def test_timeline_names_which_source_said_what_and_when(login_as, factory, db):
    from datetime import date

    from caseapp.sources.models import Delivery, FieldProvenance, SourceRecord

    p = factory.person(family_name="Geliefert")
    first = Delivery(
        source_code="abh", file_name="ABH_20260930.csv", checksum="a" * 64, as_of=date(2026, 9, 30)
    )
    later = Delivery(
        source_code="abh", file_name="ABH_20261031.csv", checksum="b" * 64, as_of=date(2026, 10, 31)
    )
    db.session.add_all([first, later])
    db.session.flush()
    db.session.add(SourceRecord(source_code="abh", key="A-4711", person_id=p.id, values_hash="x",
                                created_delivery_id=first.id, updated_delivery_id=later.id))
    db.session.add(FieldProvenance(person_id=p.id, field="residence_status", source_code="abh",
                                   delivery_id=later.id))
    db.session.flush()
    page = login_as("caseworker").get(f"/admin/person/details/?id={p.id}").get_data(as_text=True)
    sources = page[page.index('id="person-sources"'):]
    assert "A-4711" in sources and "ABH_20260930.csv (Stichtag 30.09.2026)" in sources
    provenance = page[page.index('id="person-provenance"'):]
    status_row = re.search(r"<tr><td>Aufenthaltsstatus</td><td>abh</td><td>([^<]*)</td>", provenance)
    assert status_row and status_row.group(1) == "ABH_20261031.csv (Stichtag 31.10.2026)"
    assert re.search(r"<tr><td>Familienname</td><td>abh</td><td>ABH_20260930.csv", provenance)


def test_caseworker_corrects_a_person_and_other_offices_cannot(login_as, factory, db):
    p = factory.person(family_name="Haddad", birth="1988-00-00", nationalities=("SYR",), office="abh",
                       street="Hasestraße", state="arrived")
    c = login_as("caseworker", offices=("abh",))
    page = c.get(f"/admin/person/edit/?id={p.id}").get_data(as_text=True)
    assert 'value="00.00.1988"' in page and 'value="SYR"' in page and 'name="office"' not in page
    token = csrf_from(page)
    form = {"csrf_token": token, "family_name": "Haddat", "given_names": p.given_names, "birth": "1988-03-00",
            "sex": p.sex, "nationality": "SYR", "further_nationalities": ["TUR"], "residence_status": "AE",
            "legal_basis": "§ 25 Abs. 2"}
    assert c.post(f"/admin/person/edit/?id={p.id}", data=form).status_code == 302
    db.session.expire_all()
    assert (p.family_name, p.birth.german, p.nationality_codes) == ("Haddat", "00.03.1988", ["SYR", "TUR"])
    assert p.state == "arrived" and p.street == "Hasestraße"
    assert audit_rows(db, "update", p.id)
    bad = c.post(f"/admin/person/edit/?id={p.id}", data={**form, "birth": "1988-13-00"})
    assert "Monat 13" in bad.get_data(as_text=True)
    other = login_as("caseworker", offices=("soz",))
    assert other.get(f"/admin/person/edit/?id={p.id}").status_code == 404
    own_token = csrf_from(other.get("/admin/person/new/").get_data(as_text=True))
    assert (
        other.post(f"/admin/person/edit/?id={p.id}", data={**form, "csrf_token": own_token}).status_code
        == 404
    )
    db.session.expire_all()
    assert p.family_name == "Haddat"
    manager = login_as("shelter_manager", offices=())
    assert manager.get(f"/admin/person/edit/?id={p.id}").status_code == 403
