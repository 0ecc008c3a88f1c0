"""The demo city's demography is that of a plausible German city with many immigrants (sources and the
figures used: docs/demo-demography.md), so its forecasts and reports look like a real city's: no birth
boom from a generator that gave every young woman several babies."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from caseapp.demo.generator import build_city

TODAY = date(2026, 11, 25)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@pytest.fixture(scope="module", params=[1, 2])
def city(request):
    return build_city(20_000, request.param, TODAY)


def _present(city):
    return [p for p in city.persons if p.move_in <= TODAY and (p.move_out is None or p.move_out > TODAY)]


def test_births_per_thousand_inhabitants_are_as_in_germany_not_forty_five(city):
    present = _present(city)
    year_ago = TODAY - timedelta(days=365)
    born_here = [p for p in city.persons if p.move_in == p.birth and year_ago < p.birth <= TODAY]
    rate = 1000 * len(born_here) / len(present)
    # Germany 2022: 8.7 per 1,000 (Destatis 12612-0001); foreign women's fertility is higher (1.88 vs 1.36).
    assert 7 <= rate <= 16, rate


def test_mothers_are_mostly_20_to_40_and_no_teenager_has_several_babies(city):
    at_birth = Counter()
    young_with_several = []
    for p in city.persons:
        if p.mother is not None:
            at_birth[_age(p.mother.birth, p.birth)] += 1
    total = sum(at_birth.values())
    assert total > 500
    share_20_40 = sum(n for a, n in at_birth.items() if 20 <= a <= 40) / total
    assert share_20_40 >= 0.85, share_20_40  # Germany 2022: about 93 % of births to mothers aged 20-39
    assert sum(n for a, n in at_birth.items() if a < 15 or a > 48) == 0  # 16 to 47 drawn, birth days +-1
    mean = sum(a * n for a, n in at_birth.items()) / total
    assert 28 <= mean <= 33, mean  # Germany 2022: 31.7 years
    for hh in city.households:
        for m in hh.members:
            kids = [c for c in hh.members if c.mother is m]
            if _age(m.birth, TODAY) < 20 and len(kids) > 1:
                young_with_several.append(hh.key)
    assert young_with_several == []


def test_no_small_children_without_an_adult_and_not_a_city_of_toddlers(city):
    alone = 0
    for hh in city.households:
        if any(_age(p.birth, TODAY) < 6 for p in hh.members) and not any(
                _age(p.birth, TODAY) >= 18 for p in hh.members):
            alone += 1
    assert alone == 0
    ages = [_age(p.birth, TODAY) for p in _present(city)]
    minors = [a for a in ages if a < 18]
    assert 0.12 <= len(minors) / len(ages) <= 0.35  # Germany 16.6 %, foreign nationals about 19 %
    assert sum(a < 3 for a in minors) / len(minors) <= 0.25  # three of 18 years of age: 1/6 if even
