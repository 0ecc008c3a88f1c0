"""The hot pages send a fixed number of SQL statements, however many rows they show (no query per row).

Each page is opened once to warm the caches (role lookups, filter choices), then counted. The count is
pinned: a change that adds a statement per row, or one more per page, fails here and says which.
"""
from __future__ import annotations

import pytest


def _count(sql_statements, client, url: str) -> list[str]:
    assert client.get(url).status_code == 200  # warm-up: per-process caches filled
    with sql_statements() as seen:
        resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return seen


def _people(factory, n: int, office: str = "abh"):
    return [factory.person(family_name=f"Zählung{i}", office=office) for i in range(n)]


def _shelters(factory, n: int):
    shelters = [factory.shelter(rooms=(("1.01", 4), ("1.02", 2))) for _ in range(n)]
    for shelter in shelters:
        person = factory.person(family_name="Bewohner", office="abh")
        factory.stay(person, shelter.rooms[0])
    return shelters


def _explain(seen: list[str]) -> str:
    return f"{len(seen)} statements:\n" + "\n---\n".join(s[:300] for s in seen)


@pytest.mark.parametrize("rows", [3, 12])
def test_person_list_for_a_caseworker(login_as, factory, sql_statements, rows):
    _people(factory, rows)
    seen = _count(sql_statements, login_as("caseworker"), "/admin/person/")
    assert len(seen) == PERSON_LIST, _explain(seen)


@pytest.mark.parametrize("rows", [2, 8])
def test_shelter_board_for_a_shelter_manager(login_as, factory, sql_statements, rows):
    _shelters(factory, rows)
    seen = _count(sql_statements, login_as("shelter_manager"), "/admin/board/")
    assert len(seen) == BOARD, _explain(seen)


@pytest.mark.parametrize("rows", [3, 12])
def test_statistics_page_for_an_analyst(login_as, factory, sql_statements, rows):
    _people(factory, rows)
    seen = _count(sql_statements, login_as("analyst"), "/admin/stats/")
    assert len(seen) == STATISTICS, _explain(seen)


PERSON_LIST = 11  # 3 reads, then the audit row of the listed persons (lock, chain head, insert, anchor)
BOARD = 5
STATISTICS = 25  # 13 at the start of the session; the same at 3 and 12 persons
