"""Minors without an adult at home, counted for past data dates from the history like every figure."""
from __future__ import annotations

from datetime import date, timedelta

from caseapp.reports.queries import minors_without_adult
from tests.factories import record_history

TODAY = date.today()


def _born(years: int) -> date:
    return TODAY.replace(year=TODAY.year - years, day=1) - timedelta(days=60)


def test_a_family_that_left_later_still_counts_as_a_family_on_the_earlier_day(db, factory):
    day, arrived, left = TODAY - timedelta(days=10), TODAY - timedelta(days=40), TODAY - timedelta(days=5)
    family = factory.household()
    mother = factory.person(birth=_born(30), household=family, state="departed", district="05")
    child = factory.person(birth=_born(8), household=family, state="departed", district="05")
    alone = factory.person(birth=_born(15), household=None, state="departed", district="05")
    for p in (mother, child, alone):
        record_history(p, ("arrive", "arrived", arrived), ("depart", "departed", left))
    rows = minors_without_adult(day)
    assert rows == [{"district": "05", "age_group": "10-15", "count": 1}]  # the 15-year-old only
    assert minors_without_adult(TODAY) == []  # everyone has left by today


def test_a_child_whose_only_adult_arrives_later_is_alone_until_then(db, factory):
    family = factory.household()
    child = factory.person(birth=_born(4), household=family, state="arrived", district="09")
    father = factory.person(birth=_born(40), household=family, state="arrived", district="09")
    record_history(child, ("arrive", "arrived", TODAY - timedelta(days=30)))
    record_history(father, ("arrive", "arrived", TODAY - timedelta(days=3)))
    assert minors_without_adult(TODAY - timedelta(days=10)) == [{"district": "09", "age_group": "3-5", "count": 1}]
    assert minors_without_adult(TODAY) == []


def test_the_set_based_population_of_a_past_day_equals_the_statistics(db, factory, app):
    """reports.queries.population_on (set-based history) gives stats.population's rows for past days."""
    from caseapp.reports.queries import population_on
    from caseapp.stats.queries import population

    arrived, left = TODAY - timedelta(days=40), TODAY - timedelta(days=5)
    family = factory.household()
    for years, state in ((30, "departed"), (8, "departed"), (15, "housed"), (3, "accommodated")):
        p = factory.person(birth=_born(years), household=family, state=state, district="05")
        steps = [("arrive", "arrived", arrived)]
        steps += [("depart", "departed", left)] if state == "departed" else [("house", state, left)]
        record_history(p, *steps)
    factory.person(birth=_born(40), state="housed", district="09")  # no history: counts from its creation
    for day in (TODAY - timedelta(days=1), left, left - timedelta(days=1), arrived - timedelta(days=1)):
        for by, filters in ((("district", "age_group"), None), (("housing",), None),
                            (("district",), {"age_group": ["0-2", "3-5", "6-9"]})):
            assert population_on(day, by, filters) == population(day, by, filters=filters), (day, by)


def test_daily_occupancy_of_all_shelters_equals_one_shelter_at_a_time(db, factory):
    from caseapp.reports.queries import daily_occupancy_by_shelter
    from caseapp.stats.occupancy import daily_occupancy

    start, end = TODAY - timedelta(days=20), TODAY
    a = factory.shelter(rooms=(("1", 4), ("2", 4)))
    b = factory.shelter(rooms=(("1", 2),))
    people = [factory.person(birth=_born(20 + i)) for i in range(5)]
    factory.stay(people[0], a.rooms[0], start=start - timedelta(days=3))
    factory.stay(people[1], a.rooms[1], start=start + timedelta(days=2), end=start + timedelta(days=9))
    factory.stay(people[2], a.rooms[0], start=start, end=start + timedelta(days=1))
    factory.stay(people[3], b.rooms[0], start=end)
    factory.stay(people[4], b.rooms[0], start=start - timedelta(days=9), end=start)
    all_at_once = daily_occupancy_by_shelter(start, end)
    for shelter in (a, b):
        assert all_at_once[shelter.id] == [d["occupied"] for d in daily_occupancy(start, end, shelter.id)]
    assert max(all_at_once[a.id]) == 2 and all_at_once[b.id][-1] == 1


def test_the_first_tables_summed_from_the_forecast_base_equal_the_population_query(db, factory, app):
    """The children tables of schule-sport and jugendhilfe are summed from the forecast's base counts;
    they must be exactly what the population query gives, today and for a past day."""
    from caseapp.forecast.model import forecast
    from caseapp.reports.content.common import minor_labels
    from caseapp.reports.content.forecasts import population_query
    from caseapp.reports.queries import population_on

    family = factory.household()
    for years, district, state in ((4, "05", "housed"), (7, "05", "accommodated"), (16, "07", "arrived"),
                                   (35, "07", "housed"), (1, None, "housed"), (12, "09", "departed")):
        p = factory.person(birth=_born(years), household=family, state=state, district=district)
        record_history(p, ("arrive", "arrived", TODAY - timedelta(days=50)), ("house", state, TODAY - timedelta(days=3)))
    filters = {"age_group": minor_labels()}
    for day in (TODAY, TODAY - timedelta(days=10)):
        query = population_query(forecast(day, 6))
        expected = population_on(day, ("district", "age_group"), filters)
        assert query(day, ("district", "age_group"), filters=filters) == expected and expected, day
