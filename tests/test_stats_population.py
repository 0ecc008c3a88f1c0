"""Population counts on a small fixture city, checked against figures worked out by hand."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.stats.dims import DimensionError
from caseapp.stats.queries import population
from caseapp.workflows.models import Transition


def history(db, person, *steps):
    """steps: (date, event, from_state, to_state); also sets the person's current state to the last."""
    for on, event, before, after in steps:
        db.session.add(Transition(entity="person", entity_id=person.id, event=event, from_state=before,
                                  to_state=after, occurred_on=on, by_label="test"))
        person.state = after
    db.session.flush()


@pytest.fixture()
def city(db, factory):
    """Six persons in districts 01 and 02 with histories (hand-computed figures below)."""
    p = {}
    # A: arrived 10 Jan, shelter 1 Mar, flat 1 Jun, left 1 Sep 2026.
    p["a"] = factory.person(district="01", birth="1990-05-17", sex="m")
    history(db, p["a"], (date(2026, 1, 10), "arrive", "announced", "arrived"),
            (date(2026, 3, 1), "allocate", "arrived", "accommodated"),
            (date(2026, 6, 1), "move_out", "accommodated", "housed"),
            (date(2026, 9, 1), "depart", "housed", "departed"))
    # B: born "00.00.2020" (stored 1 July 2020), arrived 2025, in a shelter since 1 Feb 2026.
    p["b"] = factory.person(district="01", birth="2020-00-00", sex="w", nationalities=("UKR",),
                            residence_status="AE")
    history(db, p["b"], (date(2025, 3, 1), "arrive", "announced", "arrived"),
            (date(2026, 2, 1), "allocate", "arrived", "accommodated"))
    # C: born "00.03.2023" (stored 15 March 2023), housed since 2024.
    p["c"] = factory.person(district="02", birth="2023-03-00", sex="m", nationalities=("SYR", "TUR"))
    history(db, p["c"], (date(2024, 1, 5), "arrive", "announced", "arrived"),
            (date(2024, 2, 1), "move_out", "arrived", "housed"))
    # D: only announced - never counted.
    p["d"] = factory.person(district="02", birth="1985-01-01")
    history(db, p["d"], (date(2026, 1, 1), "register", None, "announced"))
    # E: arrived 20 Jul 2026 in district 02, known to the Sozialamt only.
    p["e"] = factory.person(district="02", birth="2008-07-20", sex="w", office="soz", nationalities=("AFG",))
    history(db, p["e"], (date(2026, 7, 20), "arrive", "announced", "arrived"))
    # F: no district known, arrived 2025.
    p["f"] = factory.person(district=None, birth="1960-11-30", sex="w", nationalities=("TUR",),
                            residence_status="NE")
    history(db, p["f"], (date(2025, 6, 1), "arrive", "announced", "arrived"))
    return p


def counts(rows, *dims):
    return {tuple(r[d] for d in dims): r["count"] for r in rows}


def test_today_by_district(city):
    rows = population(by=("district",))
    # today: B (01, shelter), C (02), E (02), F (no district); A departed, D announced.
    assert counts(rows, "district") == {("01",): 1, ("02",): 2, (None,): 1}


def test_past_dates_follow_the_history(city):
    by = ("district", "housing")
    assert counts(population(date(2026, 2, 15), by), *by) == {
        ("01", "other"): 1, ("01", "shelter"): 1, ("02", "private"): 1, (None, "other"): 1}
    assert counts(population(date(2026, 4, 1), by), *by) == {
        ("01", "shelter"): 2, ("02", "private"): 1, (None, "other"): 1}
    assert counts(population(date(2026, 7, 1), by), *by) == {
        ("01", "private"): 1, ("01", "shelter"): 1, ("02", "private"): 1, (None, "other"): 1}
    # 1 Sep: A has left; E arrived on 20 Jul.
    assert counts(population(date(2026, 9, 1), by), *by) == {
        ("01", "shelter"): 1, ("02", "private"): 1, ("02", "other"): 1, (None, "other"): 1}
    # Before anyone arrived nobody counts.
    assert population(date(2023, 12, 31), by) == []


def test_partial_birth_dates_are_placed_at_the_middle_of_their_interval(city):
    by = ("age_group",)
    # B "00.00.2020" counts as born 1 July 2020: 5 on 30 June 2026, 6 on 1 July 2026.
    # C "00.03.2023" counts as born 15 March 2023: 2 until 14 March 2026, 3 from 15 March.
    june = counts(population(date(2026, 6, 30), by), *by)
    assert june == {("3-5",): 2, ("25-44",): 1, ("65+",): 1}
    july = counts(population(date(2026, 7, 1), by), *by)
    assert july == {("3-5",): 1, ("6-9",): 1, ("25-44",): 1, ("65+",): 1}
    march = counts(population(date(2026, 3, 14), by), *by)
    assert march[("0-2",)] == 1 and march[("3-5",)] == 1


def test_age_on_birthday_and_the_sixty_fifth(city):
    # F, born 30 Nov 1960, is 64 on 29 Nov 2025 and 65 on 30 Nov 2025.
    assert counts(population(date(2025, 11, 29), ("age_group",)), "age_group")[("45-64",)] == 1
    assert counts(population(date(2025, 11, 30), ("age_group",)), "age_group")[("65+",)] == 1


def test_nationality_is_the_primary_one_and_status_sex_filters(city):
    rows = population(by=("nationality", "sex"))
    assert counts(rows, "nationality", "sex") == {("AFG", "w"): 1, ("SYR", "m"): 1, ("TUR", "w"): 1,
                                                  ("UKR", "w"): 1}
    assert population(by=("status",), filters={"status": ["AE", "NE"]}) == [
        {"status": "AE", "count": 1}, {"status": "NE", "count": 1}]


def test_offices_restrict_to_persons_known_to_them(city):
    assert counts(population(by=("district",), offices={"soz"}), "district") == {("02",): 1}
    assert counts(population(by=("district",), offices={"abh"}), "district") == {("01",): 1, ("02",): 1,
                                                                                (None,): 1}


def test_unknown_dimension_and_future_date_are_refused(city):
    with pytest.raises(DimensionError, match="Unbekannte Dimension 'religion'"):
        population(by=("district", "religion"))
    with pytest.raises(DimensionError, match="Zukunft"):
        population(date(2999, 1, 1))


def test_a_past_day_counts_a_late_registered_history_and_not_a_later_newcomer(db, factory):
    """Only persons with a transition after the day have their history read (stats/queries.state_on); the
    others are in today's state, including one registered later with an earlier, back-dated arrival (an
    office's first delivery), but not one registered later without any history."""
    from datetime import datetime

    back_dated = factory.person(district="03", birth="1985-01-01")
    history(db, back_dated, (date(2025, 5, 1), "arrive", "announced", "arrived"))
    newcomer = factory.person(district="03", birth="1986-01-01", state="arrived")
    for p in (back_dated, newcomer):
        p.created_at = datetime(2026, 11, 20, 9, 0)
    db.session.flush()
    assert counts(population(date(2026, 1, 1), ("district",)), "district") == {("03",): 1}
    assert counts(population(date(2026, 11, 20), ("district",)), "district") == {("03",): 2}
