"""Minors without an adult at home, counted for past data dates from the history like every figure."""
from __future__ import annotations

from datetime import date, timedelta

from caseapp.reports.queries import minors_without_adult

TODAY = date.today()


def _born(years: int) -> date:
    return TODAY.replace(year=TODAY.year - years, day=1) - timedelta(days=60)


def _history(person, *steps):
    from caseapp.workflows.history import record_transition

    state = "announced"
    for event, to_state, day in steps:
        record_transition("person", person.id, event, state, to_state, day, actor="test")
        state = to_state


def test_a_family_that_left_later_still_counts_as_a_family_on_the_earlier_day(db, factory):
    day, arrived, left = TODAY - timedelta(days=10), TODAY - timedelta(days=40), TODAY - timedelta(days=5)
    family = factory.household()
    mother = factory.person(birth=_born(30), household=family, state="departed", district="05")
    child = factory.person(birth=_born(8), household=family, state="departed", district="05")
    alone = factory.person(birth=_born(15), household=None, state="departed", district="05")
    for p in (mother, child, alone):
        _history(p, ("arrive", "arrived", arrived), ("depart", "departed", left))
    rows = minors_without_adult(day)
    assert rows == [{"district": "05", "age_group": "10-15", "count": 1}]  # the 15-year-old only
    assert minors_without_adult(TODAY) == []  # everyone has left by today


def test_a_child_whose_only_adult_arrives_later_is_alone_until_then(db, factory):
    family = factory.household()
    child = factory.person(birth=_born(4), household=family, state="arrived", district="09")
    father = factory.person(birth=_born(40), household=family, state="arrived", district="09")
    _history(child, ("arrive", "arrived", TODAY - timedelta(days=30)))
    _history(father, ("arrive", "arrived", TODAY - timedelta(days=3)))
    assert minors_without_adult(TODAY - timedelta(days=10)) == [{"district": "09", "age_group": "3-5", "count": 1}]
    assert minors_without_adult(TODAY) == []
