"""feuerwehr-ordnung for a past period: hidden counts stay hidden together with the printed totals, and
only the shelters open on at least one day of the period are counted and listed."""
from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest

from caseapp.reports.committees import COMMITTEES
from tests.test_reports_helpers import pdf_text

PERIOD = "2025-10"  # weeks KW 40 (from Wed 01.10.) to KW 44; data date 31.10.2025
WEEK_STARTS = (date(2025, 10, 1), date(2025, 10, 6), date(2025, 10, 13), date(2025, 10, 20))


def _render(period: str = PERIOD) -> str:
    from flask import current_app

    from caseapp.reports.compose import compose
    from caseapp.reports.periods import parse_period
    from caseapp.reports.render import render_document

    p = parse_period(period)
    with current_app.test_request_context():
        ctx = compose(COMMITTEES["feuerwehr-ordnung"], p, p.data_date(date.today()))
    rendered = render_document("reports/committee.html", ctx)
    return " ".join(pdf_text(rendered.data).split())


def _figure(text: str):
    return {"•": None, "–": 0}.get(text, None if text == "•" else int(text) if text.isdigit() else text)


def _derivable(cells: list, total) -> bool:
    """Whether a hidden cell of `cells` (None) follows from the total and the rest (hidden ones are >= 1)."""
    hidden = cells.count(None)
    if not hidden or total is None:
        return False
    rest = total - sum(c for c in cells if c is not None)
    return hidden == 1 or rest == hidden


@pytest.fixture()
def departures(db, factory):
    """Wegzüge per week 9, 1, 3, 1 (total 14): the two 1s must not be recoverable from the total."""
    from caseapp.workflows.history import record_transition

    for week_start, n in zip(WEEK_STARTS, (9, 1, 3, 1), strict=True):
        for i in range(n):
            p = factory.person(family_name=f"Wegzug{i}", state="departed")
            record_transition("person", p.id, "depart", "housed", "departed", week_start + timedelta(days=1),
                              actor="test")
    db.session.flush()


def test_departures_of_one_person_cannot_be_recovered_from_the_total(app, departures):
    text = _render()
    table = text.split("Zu- und Fortzüge je Kalenderwoche", 1)[1]
    rows = []
    for kw in (40, 41, 42, 43, 44):
        after = table.split(f"KW {kw} (ab ", 1)[1].split()
        rows.append(_figure(after[2]))  # "01.10.)", Zuzüge, Wegzüge, ...
    total = _figure(table.split("Insgesamt ", 1)[1].split()[1])
    assert None in rows, rows  # the 1s are hidden at all
    assert not _derivable(rows, total), (rows, total)


@pytest.mark.parametrize("values", [(9, 1, 3, 1), (1, 1), (5, 1, 1), (7, 2, 1, 0, 4), (2, 2, 8)])
def test_no_hidden_count_of_a_printed_table_follows_from_its_total(app, values):
    """Every completion with hidden counts >= 1 that matches the printed figures: each hidden count must
    take at least two values across them."""
    from caseapp.reports.tables import protected_lattice

    lattice = protected_lattice([{"p": i, "count": n} for i, n in enumerate(values)], ("p",), 3)
    cells = [lattice[("p",)].get((i,), 0) for i in range(len(values))]
    total = lattice[()].get((), 0)
    hidden = [i for i, c in enumerate(cells) if c is None]
    top = sum(values) + 3
    seen = {i: set() for i in hidden}
    for guess in product(range(1, top), repeat=len(hidden)):
        filled = list(cells)
        for i, g in zip(hidden, guess, strict=True):
            filled[i] = g
        if total is None or sum(filled) == total:
            for i, g in zip(hidden, guess, strict=True):
                seen[i].add(g)
    assert all(len(v) >= 2 for v in seen.values()), (values, cells, total, seen)


@pytest.fixture()
def shelters(db, factory):
    """Closed in 2024 (10 beds), opened only after the period (20 beds), open throughout (6 beds)."""
    from caseapp.workflows.history import record_transition

    def history(shelter, *steps):
        state = "planned"
        record_transition("shelter", shelter.id, "register", None, state, date(2023, 1, 2), actor="test")
        for event, to_state, day in steps:
            record_transition("shelter", shelter.id, event, state, to_state, day, actor="test")
            state = to_state

    closed = factory.shelter(name="GU Alte Kaserne", district="03", rooms=(("1", 10),), state="closed")
    history(closed, ("open", "open", date(2023, 3, 1)), ("close", "closed", date(2024, 6, 30)))
    later = factory.shelter(name="GU Neubau Süd", district="04", rooms=(("1", 20),), state="open")
    history(later, ("open", "open", date(2025, 12, 1)))
    running = factory.shelter(name="GU Am Ring", district="05", rooms=(("1", 6),), state="open")
    history(running, ("open", "open", date(2025, 1, 15)))
    db.session.flush()


def test_only_shelters_open_in_the_period_are_counted_and_listed(app, shelters):
    text = _render()
    assert "war 1 Gemeinschaftsunterkunft an mindestens einem Tag geöffnet, mit zusammen 6 Betten" in text
    assert "GU Am Ring" in text
    assert "GU Alte Kaserne" not in text and "GU Neubau Süd" not in text
    # A report on a later period counts the new shelter, in its state of then.
    later = _render("2025-12")
    assert (
        "waren 2 Gemeinschaftsunterkünfte an mindestens einem Tag geöffnet, mit zusammen 26 Betten" in later
    )
    assert "GU Neubau Süd" in later and "GU Alte Kaserne" not in later
