"""What the committees read: headings, figures of a small fixture city, protection, never a name."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from caseapp.reports.committees import COMMITTEES
from tests.test_reports_helpers import pdf_fonts, pdf_text

TODAY = date.today()
PERIOD = f"{TODAY:%Y-%m}"  # the running month: figures are today's, on every day the suite runs
NAMES = ("Quaxbrunner", "Zilinskaite", "Oberwimmer", "Haddadin-Test", "Yusufzai-Test")


def _born(years: int, days: int = 40) -> date:
    """A birth date `years` (and a few weeks) before today: safely inside one age group."""
    from datetime import timedelta

    return date(TODAY.year - years, TODAY.month, min(TODAY.day, 28)) - timedelta(days=days)


@pytest.fixture()
def city(db, factory):
    """District 07: a family with seven children, living in a shelter in district 05; 12: one boy of 12
    without adults;
    07: three 16-17-year-olds without a household. k = 3: the 1 in district 12 is suppressed."""
    from caseapp.workflows.history import record_transition

    shelter = factory.shelter(name="GU Am Hafen", district="05", rooms=(("1.01", 6), ("1.02", 6)),
                              fire_safety_max=10)
    family = factory.household("Familie Q")
    people = [factory.person(family_name=NAMES[0], given_names="Amira", birth=_born(35), state="accommodated",
                             household=family, sex="w")]
    for i, years in enumerate((4, 4, 5, 7, 7, 8, 8)):  # 3-5: three, 6-9: four
        people.append(factory.person(family_name=NAMES[1 + i % 2], birth=_born(years), state="accommodated",
                                     household=family, sex="m" if i % 2 else "w"))
    for i, p in enumerate(people[:10]):
        factory.stay(p, shelter.rooms[i % 2], start=TODAY.replace(day=1))
        record_transition(
            "person", p.id, "arrive", "announced", "arrived", TODAY.replace(day=1), actor="test"
        )
    alone = factory.person(family_name=NAMES[3], birth=_born(12), district="12", state="housed")
    teens = [factory.person(family_name=NAMES[4], birth=_born(16), district="07", state="housed")
             for _ in range(3)]
    return {"shelter": shelter, "family": people, "alone": alone, "teens": teens}


def _render(committee: str) -> tuple[bytes, str]:
    from flask import current_app

    from caseapp.reports.compose import compose
    from caseapp.reports.periods import parse_period
    from caseapp.reports.render import render_document

    period = parse_period(PERIOD)
    with current_app.test_request_context():
        ctx = compose(COMMITTEES[committee], period, period.data_date(TODAY))
    rendered = render_document("reports/committee.html", ctx)
    assert rendered.refused == ()
    return rendered.data, pdf_text(rendered.data)


def _rows(text: str, start: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(start)]


def test_schule_sport_shows_children_by_district_and_age(app, city):
    _, text = _render("schule-sport")
    for heading in ("Ausschuss für Schule und Sport", "Inhalt", "Kinder und Jugendliche nach Stadtteil",
                    "Prognose", "Kinder in Gemeinschaftsunterkünften", "Hinweise zur Methode", "Datenstand"):
        assert heading in text, heading
    # District 07: 3-5 = 3, 6-9 = 4, 16-17 = 3, total 10; city: 11 minors (district 12's lone boy of
    # 10-15 among them). Every figure is perturbed by the cell-key method; none is hidden.
    assert _within(_rows(text, "07 Haste")[0], ["–", 3, 4, "–", 3, 10])
    assert _within(_rows(text, "Insgesamt")[0], ["–", 3, 4, 1, 3, 11], labels=1)
    # Children in shelters count where the shelter is (05), not at their registered address (07).
    in_shelters = text.split("Minderjährige in Gemeinschaftsunterkünften", 1)[1]
    assert _rows(in_shelters, "05 Hafen")[0] == "05 Hafen – 3 4 – – 7"
    assert "Seite 3 von" in text


def _within(row: str, truth: list, labels: int = 2) -> bool:
    """The printed figures of a table row (after its two label words) could come from `truth`: "–" where
    nobody is counted, else a number >= 3 that the perturbation table allows for the true count."""
    from caseapp.stats.cellkey import bounds

    figures = row.split()[labels:]
    assert len(figures) == len(truth), (row, truth)
    for shown, n in zip(figures, truth, strict=True):
        if n == "–":
            assert shown == "–", row
            continue
        lo, hi = bounds(int(shown.replace(".", "")), 3)
        assert int(shown) >= 3 and lo <= n <= hi, (row, truth)
    return True


def test_no_name_or_personal_detail_in_any_report(app, city):
    for slug in COMMITTEES:
        data, text = _render(slug)
        for name in NAMES + ("Amira",):
            assert name not in text, (slug, name)
        assert "Familie Q" not in text
        assert all(f.startswith("Bericht-Sans") for f in pdf_fonts(data)), pdf_fonts(data)


def test_a_single_person_never_shows_as_one(app, city):
    """The lone 12-year-old of district 12 is one person: wherever he is counted the figure is perturbed
    (3 to 5 for 1 or 2 persons), never 1, and nothing else is hidden because of him."""
    for slug in ("schule-sport", "jugendhilfe"):
        _, text = _render(slug)
        rows = [row for row in _rows(text, "12 Schinkel-Ost") if len(row.split()) > 3]  # table rows
        assert rows, slug
        for row in rows:
            figures = row.split()[2:]
            assert "1" not in figures and "2" not in figures, (slug, row)
            assert all(f == "–" or int(f) >= 3 for f in figures if f != "•"), (slug, row)
        assert "•" not in rows[0], (slug, rows[0])


def test_jugendhilfe_counts_minors_without_an_adult(app, city):
    _, text = _render("jugendhilfe")
    assert "Minderjährige ohne Erwachsene im Haushalt" in text
    assert "Prognose Krippe und Kindergarten" in text
    section = text.split("Nach Stadtteil und Altersgruppe", 1)[1]
    # The three teenagers and the lone boy: 4. The family's seven children live with their mother.
    assert _rows(section, "Insgesamt")[0] == "Insgesamt – – – • • 4"


def test_feuerwehr_ordnung_compares_occupancy_with_fire_safety_limit(app, city):
    _, text = _render("feuerwehr-ordnung")
    for heading in ("Belegung der Gemeinschaftsunterkünfte", "Entwicklung der Belegung", "Zu- und Fortzüge",
                    "Karte"):
        assert heading in text
    # 12 beds, fire-safety maximum 10, 8 residents: 67 % of the beds, 80 % of the fire-safety limit.
    assert "geöffnet 12 10 8 67 % 80 %" in text
    flat = " ".join(text.split())
    assert (
        "war 1 Gemeinschaftsunterkunft an mindestens einem Tag geöffnet" in flat
        and "Keine Unterkunft überschreitet" in flat
    )
    assert "KW " in text and "Zuzüge" in text
    # The shelter's own part: 12 beds, none blocked, limit 10, 8 on the data date (80 % of the limit), a
    # peak of 8, no day above the limit, 8 moves in and none out.
    part = flat.split("Unterkünfte im Einzelnen", 2)[2]
    assert "GU Am Hafen (05 Hafen)" in part
    # The peak is the peak day's value as published by the cell-key method (8 residents, perturbed).
    import re

    from caseapp.stats.cellkey import bounds

    peak = re.search(r"12 – 10 8 80 % (\d+) – 8 –", part)
    assert peak, part[:400]
    low, high = bounds(int(peak[1]), 3)
    assert low <= 8 <= high
    weeks = [line for line in _rows(text, "KW ") if len(line.split()) > 4 and line.split()[-4:] != ["–"] * 4]
    assert len(weeks) == 1 and weeks[0].split()[-4:] == ["8", "–", "–", "–"]  # the eight arrivals


@pytest.mark.parametrize("slug", sorted(COMMITTEES))
def test_every_report_renders_for_an_empty_city(app, db, slug):
    data, text = _render(slug)
    assert data.startswith(b"%PDF-")
    assert "Keine Daten" in text
    assert "Hinweise zur Methode" in text


def test_every_district_has_its_own_part_with_the_protected_figures(app, city):
    """23 district parts; today's counts in them are the cells of the first table (07: four children of
    6-9, three of 3-5); district 12's lone boy stays hidden; no forecast value from 1 to 2 is printed."""
    for slug, row_start, column in (("schule-sport", "Grundschule", 2), ("jugendhilfe", "Kita", 1)):
        _, text = _render(slug)
        today = _rows(text, "07 Haste")[0].split()[2:][column]  # the first table's cell (6-9 or 3-5)
        parts = text.split("Stadtteile im Einzelnen", 2)[2].split("Hinweise zur Methode", 1)[0]
        headings = [line for line in parts.splitlines() if line.startswith("Stadtteil ")]
        assert len(headings) == 23, (slug, headings)
        haste = parts.split("Stadtteil 07 Haste", 1)[1].split("Stadtteil 08", 1)[0]
        row = _rows(haste, row_start)[0].split()
        assert row[1] == today, (slug, row)
        for line in parts.splitlines():
            words = line.replace("(", " ").replace(")", " ").replace("–", " ").split()
            assert "1" not in words and "2" not in words, (slug, line)


def test_a_small_shelter_is_protected_in_its_own_part(app, db, factory, city):
    """A second shelter with two residents: its occupancy, peak and moves show as "•" in its part, and
    its partner cells too (else the two-person figure would follow from the total)."""
    small = factory.shelter(name="GU Kleine Gasse", district="09", rooms=(("1", 4),), fire_safety_max=4)
    for person in city["teens"][:2]:
        factory.stay(person, small.rooms[0], start=TODAY.replace(day=1))
    _, text = _render("feuerwehr-ordnung")
    flat = " ".join(text.split())
    part = flat.split("Unterkünfte im Einzelnen", 2)[2]
    small_part = part.split("GU Kleine Gasse (09 Gartlage)", 1)[1].split("Hinweise zur Methode", 1)[0]
    figures = small_part.split()[:8]
    assert figures[:3] == ["4", "–", "4"] and figures[3] == "•" and "2" not in figures, figures
    hafen = part.split("GU Am Hafen (05 Hafen)", 1)[1].split()[:6]
    assert hafen[3] == "•", hafen  # the partner of the hidden 2 in the same table


def test_partial_weeks_and_months_are_named_and_left_out_of_the_chart():
    """Issue 16 item 3: a week cut by the start of the period or by the data date is labelled with its
    days (and not drawn: it would read as a drop); full weeks and months read as before."""
    from caseapp.reports.content.feuerwehr_ordnung import _days_within, _period_label

    first, last = date(2026, 12, 1), date(2026, 12, 17)  # Tuesday .. Thursday
    week49 = {"period": "2026-W49", "start": date(2026, 11, 30)}
    week50 = {"period": "2026-W50", "start": date(2026, 12, 7)}
    week51 = {"period": "2026-W51", "start": date(2026, 12, 14)}
    for row in (week49, week50, week51):
        row["days"] = _days_within(row, "week", first, last)
    assert [r["days"] for r in (week49, week50, week51)] == [6, 7, 4]
    assert _period_label(week49, "week") == "KW 49 (ab 30.11.)*"
    assert _period_label(week50, "week") == "KW 50 (ab 07.12.)"
    december = {"period": "2026-12", "start": date(2026, 12, 1)}
    december["days"] = _days_within(december, "month", date(2026, 10, 1), last)
    assert _period_label(december, "month") == "Dezember 2026*" and december["days"] == 17


@pytest.mark.parametrize("committee", ["schule-sport", "feuerwehr-ordnung", "jugendhilfe"])
def test_every_report_says_who_is_counted_and_which_delivery_it_rests_on(app, db, city, committee):
    """A chapter "Begriffe und Quellen" before the method notes: the population is the database's
    migrants, not all residents; Stichtag and Datenstand are told apart; each office's last delivery up to
    the Stichtag is named with the day it describes, or "keine Lieferung"."""
    from datetime import datetime

    from caseapp.sources.models import SyncRun

    db.session.add(SyncRun(source_code="abh", as_of=TODAY - timedelta(days=2), status="done",
                           finished_at=datetime.combine(TODAY - timedelta(days=1), datetime.min.time())))
    db.session.add(SyncRun(source_code="soz", as_of=TODAY + timedelta(days=5), status="done"))  # after it
    db.session.flush()
    _, text = _render(committee)
    flat = " ".join(text.split())
    chapter = flat[flat.index("Wer gezählt wird"):flat.rindex("Hinweise zur Methode")]
    assert "nicht die gesamte Einwohnerschaft" in chapter
    assert "Stichtag Der Tag, den die Zahlen beschreiben" in chapter
    assert "Datenstand Der Tag, an dem" in chapter
    assert "Ausländerbehörde Personen, Staatsangehörigkeit" in chapter
    assert f"{TODAY - timedelta(days=2):%d.%m.%Y} {TODAY - timedelta(days=1):%d.%m.%Y}" in chapter
    assert "Sozialamt Leistungen nach AsylbLG und SGB XII keine Lieferung" in chapter
    assert "Begriffe und Quellen" in flat[:flat.index("Wer gezählt wird")]  # its heading, in the contents too
