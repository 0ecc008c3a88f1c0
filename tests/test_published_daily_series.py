"""Daily occupancy series (issue 16 item 1, "daily series are published only at a granularity that passes
the same test"): a shelter's line in the fire-safety report and the daily total on the occupancy page are
published by the cell-key method, so neither a day's count nor the move of one person between two named
days can be read exactly from the published values (the chart coordinates are these values)."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from caseapp.stats import cellkey

K = 3


def _shelter_with_a_move(factory, start: date, move_day: date):
    shelter = factory.shelter(district="05", rooms=(("1.01", 12),))
    room = shelter.rooms[0]
    for i in range(9):
        factory.stay(factory.person(family_name=f"Bewohner{i}", state="accommodated"), room, start=start)
    newcomer = factory.person(family_name="Neu", state="accommodated")
    factory.stay(newcomer, room, start=move_day)
    return shelter


def test_a_shelters_daily_line_is_perturbed_and_a_move_of_one_is_not_exact(db, factory):
    from caseapp.reports.content.shelters import protected_daily

    start = date.today().replace(day=1) - timedelta(days=40)
    move = start + timedelta(days=20)
    shelter = _shelter_with_a_move(factory, start - timedelta(days=5), move)
    inputs = SimpleNamespace(period=SimpleNamespace(start=start), data_date=start + timedelta(days=35), k=K)
    daily = protected_daily(inputs, [{"id": shelter.id}])
    true, shown = daily.series[shelter.id], daily.shown[shelter.id]
    assert true[19] == 9 and true[20] == 10  # the move happened
    before, after = shown[19], shown[20]
    # the same persons give the same published figure every day
    assert set(shown[:20]) == {before} and set(shown[20:]) == {after}
    # every published day admits several true values, so the move between the two days is not exact
    for value, real in ((before, 9), (after, 10)):
        low, high = cellkey.bounds(value, K)
        assert low <= real <= high and high - low >= 2
    assert daily.shown_totals == shown  # one shelter: the total is the same cell


def test_the_occupancy_pages_daily_total_is_perturbed_for_an_analyst_and_exact_for_staff(db, factory, app):
    from caseapp.stats.publish import daily_occupancy_for

    start = date.today() - timedelta(days=30)
    _shelter_with_a_move(factory, start - timedelta(days=5), start + timedelta(days=10))
    analyst, staff = factory.user(role="analyst", offices=()), factory.user(role="caseworker")
    with app.test_request_context():
        published = daily_occupancy_for(analyst, start, start + timedelta(days=20))
        exact = daily_occupancy_for(staff, start, start + timedelta(days=20))
    assert [d["occupied"] for d in exact][9:11] == [9, 10]
    assert all(set(d) == {"day", "occupied"} for d in published)  # no key sums leave the door
    for pub, real in zip(published, exact, strict=True):
        low, high = cellkey.bounds(pub["occupied"], K)
        assert low <= real["occupied"] <= high and high - low >= 2


def test_the_flows_line_adds_up_or_explains_the_difference():
    from caseapp.reports.content.feuerwehr_ordnung import reconcile_line
    from caseapp.stats.publish import SUPPRESSED

    days = [date(2026, 9, 1), date(2026, 9, 30)]
    daily = SimpleNamespace(days=days, shown_totals=[1008, 937])
    line = reconcile_line(daily, 325, 391)  # the committee's sum: 1,008 + 325 - 391 = 942, end 937
    assert "am 01.09.2026 belegt 1.008, Aufnahmen 325, Auszüge 391, am 30.09.2026 belegt 937" in line
    assert "ergibt 942, 5 mehr als gezählt" in line and "kein Fehler" in line and "Verlegungen" in line
    assert reconcile_line(SimpleNamespace(days=days, shown_totals=[10, 12]), 5, 3).endswith("gehen auf.")
    hidden = reconcile_line(SimpleNamespace(days=days, shown_totals=[10, 12]), SUPPRESSED, 3)
    assert "nicht möglich" in hidden and "ergibt" not in hidden
