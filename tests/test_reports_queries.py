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
    assert minors_without_adult(TODAY - timedelta(days=10)) == [
        {"district": "09", "age_group": "3-5", "count": 1}
    ]
    assert minors_without_adult(TODAY) == []


def test_a_past_day_counts_everyone_in_the_state_their_history_gives_for_that_day(db, factory, app):
    """stats.population for past days against the rule read person by person in Python: the last
    transition on or before the day, a later-known person not yet, a person without history from the
    day their row was created."""
    from datetime import datetime

    from caseapp.stats.dims import POPULATION_STATES
    from caseapp.stats.queries import population
    from caseapp.workflows.models import Transition

    arrived, left = TODAY - timedelta(days=40), TODAY - timedelta(days=5)
    family = factory.household()
    people = []
    for years, state in ((30, "departed"), (8, "departed"), (15, "housed"), (3, "accommodated")):
        p = factory.person(birth=_born(years), household=family, state=state, district="05")
        steps = [("arrive", "arrived", arrived)]
        steps += [("depart", "departed", left)] if state == "departed" else [("house", state, left)]
        record_history(p, *steps)
        people.append(p)
    late = factory.person(birth=_born(20), state="arrived", district="07")
    record_history(late, ("arrive", "arrived", left))  # not yet known before `left`
    people.append(late)
    settled = factory.person(birth=_born(40), state="housed", district="09")  # no history
    settled.created_at = datetime.combine(arrived, datetime.min.time())
    people.append(settled)
    db.session.flush()

    def by_hand(day):
        out = {}
        for p in people:
            steps = db.session.scalars(db.select(Transition).where(
                Transition.entity == "person", Transition.entity_id == p.id).order_by(
                Transition.occurred_on, Transition.id)).all()
            if steps:
                before = [t for t in steps if t.occurred_on <= day]
                state = before[-1].to_state if before else None
            else:
                state = p.state if p.created_at.date() <= day else None
            if state in POPULATION_STATES:
                out[p.district_number] = out.get(p.district_number, 0) + 1
        return out

    seen = set()
    for day in (
        TODAY - timedelta(days=1),
        left,
        left - timedelta(days=1),
        arrived,
        arrived - timedelta(days=1),
    ):
        got = {r["district"]: r["count"] for r in population(day, ("district",))}
        assert got == by_hand(day), day
        seen.add(tuple(sorted(got.items())))
    assert len(seen) >= 3  # the days really differ: arrivals, departures and the late person show


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
    from caseapp.stats.queries import population

    family = factory.household()
    for years, district, state in ((4, "05", "housed"), (7, "05", "accommodated"), (16, "07", "arrived"),
                                   (35, "07", "housed"), (1, None, "housed"), (12, "09", "departed")):
        p = factory.person(birth=_born(years), household=family, state=state, district=district)
        record_history(
            p, ("arrive", "arrived", TODAY - timedelta(days=50)), ("house", state, TODAY - timedelta(days=3))
        )
    filters = {"age_group": minor_labels()}
    for day in (TODAY, TODAY - timedelta(days=10)):
        query = population_query(forecast(day, 6))
        expected = population(day, ("district", "age_group"), filters=filters)
        assert query(day, ("district", "age_group"), filters=filters) == expected and expected, day
