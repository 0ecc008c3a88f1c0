"""The cube path for today's population gives exactly the plain GROUP BY's rows, through every kind of
write."""
from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from caseapp.stats import agegroups, cube
from caseapp.stats.queries import _count, count_by, population, today

DIM_SETS = [
    (), ("district",), ("age_group",), ("nationality",), ("status",), ("sex",), ("housing",),
    ("district", "age_group", "nationality"), ("age_group", "housing", "sex"),
    ("district", "age_group", "nationality", "status", "sex", "housing"),
]
FILTERS = [None, {"age_group": ["6-9", "10-15"]}, {"district": ["01", None]}, {"housing": "shelter"},
           {"nationality": ["SYR", "UKR"], "age_group": "0-2"}]


def boundary_births(day: date, ref: date) -> list[date]:
    """Birth dates right at, inside and beside every age boundary between `ref` and `day` (incl. newborns)."""
    out = []
    for a, b in zip(cube.cutoff_list(agegroups.configured_groups(), ref),
                    cube.cutoff_list(agegroups.configured_groups(), day)):
        lo, hi = min(a, b), max(a, b)
        out += [lo, lo + timedelta(days=1), hi, hi + timedelta(days=1), lo - timedelta(days=1)]
        if (hi - lo).days > 2:
            out.append(lo + (hi - lo) / 2)
    return sorted(set(out))


def build_city(factory, births, rng):
    people = []
    for i, birth in enumerate(births * 2):
        people.append(factory.person(
            birth=birth, sex=rng.choice("mwd"), district=rng.choice(["01", "02", "07", None]),
            nationalities=(rng.choice(["SYR", "UKR", "AFG"]),),
            residence_status=rng.choice(["AE", "NE", "GESTATTUNG"]),
            state=rng.choice(["arrived", "accommodated", "housed", "announced", "departed"]),
        ))
    return people


def assert_same(day):
    groups = agegroups.configured_groups()
    for dims in DIM_SETS:
        for filters in FILTERS:
            fast = cube.population_today(day, dims, {k: tuple(v) if isinstance(v, list) else (v,)
                                                     for k, v in (filters or {}).items()}, groups)
            assert fast is not None, "the cube did not answer"
            assert fast == count_by(day, dims, groups, filters=filters), (dims, filters)
            assert population(None, dims, filters=filters) == fast
            # the cell keys of the cell-key method (migration 0024): the same key sums as the plain count
            checked = {k: tuple(v) if isinstance(v, list) else (v,) for k, v in (filters or {}).items()}
            keyed = cube.population_today(day, dims, checked, groups, keyed=True)
            plain = _count(day, dims, checked, groups, None, keyed=True)
            assert keyed == plain, (dims, filters)


@pytest.mark.parametrize("gap", [0, 2, -2, 200])
def test_cube_equals_plain_count_through_writes(db, factory, monkeypatch, gap):
    if not cube.available():
        pytest.skip("the cube runs on PostgreSQL only")
    monkeypatch.setattr(cube, "MAX_GAP_DAYS", 400)
    day = today()
    ref = day - timedelta(days=gap)
    rng = random.Random(gap)
    births = boundary_births(day, ref)
    people = build_city(factory, births[: len(births) // 2], rng)
    cube.rebase(ref, agegroups.configured_groups())
    assert_same(day)

    # Inserts after the re-base, among them persons whose birthday since the reference day matters.
    people += build_city(factory, births[len(births) // 2:], rng)
    db.session.flush()
    assert_same(day)

    # Updates: state, district, birth date (across a boundary), nationality; then deletes.
    for p in people[::3]:
        p.state = rng.choice(["arrived", "accommodated", "housed", "departed"])
    for p in people[1::4]:
        p.district_number = rng.choice(["02", "23", None])
    for p in people[2::5]:
        p.birth_date = rng.choice(births)
        p.birth_precision = "day"
    for p in people[::7]:
        p.set_nationalities(["UKR", "SYR"])
    db.session.flush()
    assert_same(day)
    for p in people[::4]:
        db.session.delete(p)
    db.session.flush()
    assert_same(day)

    # A re-base over a cube with changed and emptied cells (replaces, deletes vanished keys).
    cube.rebase(day, agegroups.configured_groups())
    assert_same(day)
    assert db.session.execute(db.text("SELECT count(*) FROM stats_cube WHERE n = 0")).scalar() == 0


def test_turning_six_today_moves_a_child_into_6_9(db, factory, monkeypatch):
    if not cube.available():
        pytest.skip("the cube runs on PostgreSQL only")
    day = today()
    groups = agegroups.configured_groups()
    factory.person(birth=agegroups.years_before(day, 6), state="arrived", district="03")
    factory.person(birth=agegroups.years_before(day, 6) + timedelta(days=1), state="arrived", district="03")
    cube.rebase(day - timedelta(days=1), groups)  # yesterday, both were 5
    rows = cube.population_today(day, ("age_group",), {"district": ("03",)}, groups)
    assert rows == [{"age_group": "3-5", "count": 1}, {"age_group": "6-9", "count": 1}]


def test_daily_task_rebases_to_today(db, factory):
    if not cube.available():
        pytest.skip("the cube runs on PostgreSQL only")
    from caseapp.tasks.stats import rebase_task

    factory.person(birth="2019-01-01", state="housed", district="05")
    cube.rebase(today() - timedelta(days=30), agegroups.configured_groups())
    assert rebase_task() == today().isoformat()
    assert db.session.execute(db.text("SELECT ref_day FROM stats_cube_meta")).scalar() == today()
    assert population(None, ("district",), filters={"district": "05"}) == [{"district": "05", "count": 1}]


def test_a_transaction_holding_the_cube_is_not_blocked_by_its_own_rebase(db, factory, monkeypatch):
    """The cube is stale and our own uncommitted write holds it: the figures come from person, at once."""
    import time

    if not cube.available():
        pytest.skip("the cube runs on PostgreSQL only")
    monkeypatch.setattr(cube, "_postponed_until", 0.0)
    factory.person(birth="2001-01-01", state="arrived", district="06")
    db.session.execute(db.text("UPDATE stats_cube_meta SET groups = 'stale' WHERE id = 1"))
    t = time.monotonic()
    assert population(None, ("district",), filters={"district": "06"}) == [{"district": "06", "count": 1}]
    assert time.monotonic() - t < 2
    assert cube._postponed_until > time.monotonic()  # tried once, waits before trying again


def test_appended_changes_fold_into_the_cells_without_changing_a_figure(db, factory):
    if not cube.available():
        pytest.skip("the cube runs on PostgreSQL only")
    day = today()
    rng = random.Random(11)
    cube.rebase(day, agegroups.configured_groups())
    people = build_city(factory, boundary_births(day, day - timedelta(days=3)), rng)
    for p in people[::2]:
        p.state = "housed"
    db.session.flush()
    pending = "SELECT count(*) FROM stats_cube_delta"
    assert db.session.execute(db.text(pending)).scalar() > 0
    assert_same(day)
    assert cube.fold() > 0
    assert db.session.execute(db.text(pending)).scalar() == 0
    assert_same(day)
    assert db.session.execute(db.text("SELECT count(*) FROM stats_cube WHERE n = 0 AND k = 0")).scalar() == 0


@pytest.fixture
def built_cube(app):
    """A cube built and committed (the tests' own writes roll back), emptied again after the test's
    transaction is gone (set up before `db`, so torn down after it)."""
    from caseapp.extensions import db as _db

    with app.app_context(), _db.engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            pytest.skip("the cube runs on PostgreSQL only")
        cube.rebase(today(), agegroups.configured_groups(), conn)
        conn.commit()
    yield
    with app.app_context(), _db.engine.connect() as conn:
        conn.execute(_db.text("UPDATE stats_cube_meta SET ref_day = NULL, cutoffs = NULL, groups = NULL "
                              "WHERE id = 1"))
        conn.execute(_db.text("DELETE FROM stats_cube"))
        conn.execute(_db.text("DELETE FROM stats_cube_delta"))
        conn.commit()


def test_a_caseworkers_write_does_not_wait_for_an_imports_uncommitted_cells(built_cube, db, factory):
    """A nightly import changes thousands of persons in one transaction; a caseworker's write to a person
    in the same cube cell goes through at once (the cube's changes are appended, migration 0025)."""
    import psycopg

    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    # "The import": the test's own transaction, open until the test ends.
    factory.person(birth="1990-05-05", sex="w", district="07", nationalities=("SYR",),
                   residence_status="AE", state="arrived")
    db.session.flush()
    assert db.session.execute(db.text("SELECT count(*) FROM stats_cube_delta")).scalar() > 0
    with psycopg.connect(url) as other:  # "the caseworker", a person of the same cell
        other.execute("SET lock_timeout = '2s'")
        other.execute("INSERT INTO person (birth_date, birth_precision, sex, nationality, residence_status, "
                      "district_number, state, record_key) VALUES ('1990-06-06', 'day', 'w', 'SYR', 'AE', "
                      "'07', 'arrived', 7)")
        assert other.execute("SELECT sum(n) FROM stats_cube_delta WHERE rollup = 0").fetchone()[0] == 1
        other.rollback()
