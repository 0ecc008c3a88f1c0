"""The demo city: deterministic, plausible, and consistent with the lifecycle rules on both databases."""
from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import text

from tests import services
from tests.conftest import make_app

TODAY = date(2026, 11, 25)
PERSONS = 600
SEED = 3
CHECKED_TABLES = ("household", "shelter", "room", "person", "person_nationality", "person_office", "stay",
                  "transition", "source_record", "source_household")


def _upgraded_app(url: str):
    from flask_migrate import upgrade

    app = make_app(url)
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="module")
def pg_city(pg_server):
    """A 600-person city in its own throw-away PostgreSQL database, written by the operation."""
    url, name = services.create_database(pg_server)
    app = _upgraded_app(url.replace("postgresql://", "postgresql+psycopg://"))
    from caseapp.demo.operations import create_demo_city
    from caseapp.extensions import db

    with app.app_context():
        summary = create_demo_city(persons=PERSONS, seed=SEED, today=TODAY)
        db.session.commit()
    app.demo_summary = summary
    yield app
    with app.app_context():
        db.engine.dispose()
    services.drop_database(pg_server, name)


@pytest.fixture(scope="module")
def sqlite_city(tmp_path_factory):
    """The same city in a SQLite file, written through the `caseapp demo` command."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    app = _upgraded_app(f"sqlite:///{path}")
    result = app.test_cli_runner().invoke(
        args=["demo", "--persons", str(PERSONS), "--seed", str(SEED), "--today", TODAY.isoformat(),
              "--no-office-deliveries"])  # the same city as pg_city (deliveries: test_demo_offices.py)
    assert result.exit_code == 0, result.output
    app.demo_output = result.output
    return app


@pytest.fixture(params=["postgresql", "sqlite"])
def city(request):
    return request.getfixturevalue("pg_city" if request.param == "postgresql" else "sqlite_city")


def _rows(app, sql: str, **params) -> list:
    from caseapp.extensions import db

    with app.app_context():
        return [tuple(r) for r in db.session.execute(text(sql), params)]


def _scalar(app, sql: str, **params):
    return _rows(app, sql, **params)[0][0]


def _checksum(app) -> str:
    """A hash over every demo table's rows, read through the models' column types (same values on both)."""
    from sqlalchemy import select

    from caseapp.extensions import db

    digest = hashlib.sha256()
    with app.app_context():
        for name in CHECKED_TABLES:
            table = db.metadata.tables[name]
            for row in db.session.execute(select(table).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_same_seed_gives_the_same_city_on_both_databases(pg_city, sqlite_city):
    assert _scalar(pg_city, "SELECT count(*) FROM person") == PERSONS
    assert _checksum(pg_city) == _checksum(sqlite_city)


def test_another_seed_gives_another_city():
    from caseapp.demo.generator import build_city

    a = build_city(PERSONS, SEED, TODAY)
    b = build_city(PERSONS, SEED + 1, TODAY)
    again = build_city(PERSONS, SEED, TODAY)
    key = [(p.family, p.given, p.birth, p.state) for p in a.persons]
    assert key == [(p.family, p.given, p.birth, p.state) for p in again.persons]
    assert key != [(p.family, p.given, p.birth, p.state) for p in b.persons]


def test_every_district_has_residents(city):
    assert _scalar(city, "SELECT count(DISTINCT district_number) FROM person") == 23


def test_age_pyramid_is_plausible(city):
    ages = [_age(b) for (b,) in _rows(city, "SELECT birth_date FROM person WHERE state <> 'departed'")]
    under_18 = sum(a < 18 for a in ages) / len(ages)
    assert 0.12 <= under_18 <= 0.35  # Germany 16.6 %, foreign nationals about 19 % (docs/demo-demography.md)
    assert sum(a >= 65 for a in ages) >= 5
    assert sum(a < 3 for a in ages) >= 10  # babies born in the city
    minors = [a for a in ages if a < 18]
    # ... but not a city of toddlers: a third of the minors at most (a crèche forecast would follow it)
    assert sum(a < 3 for a in minors) / len(minors) <= 0.4


def _age(value) -> int:
    born = value if isinstance(value, date) else date.fromisoformat(value)
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


def test_nationalities_statuses_and_partial_birth_dates(city):
    primary = dict(_rows(city, "SELECT nationality, count(*) FROM person GROUP BY nationality"))
    assert {"TUR", "SYR", "UKR", "POL"} <= set(primary)
    assert _scalar(city, "SELECT count(*) FROM person WHERE nationality IN ('POL', 'ROU', 'ITA', 'GRC') "
                         "AND residence_status <> 'EU'") == 0
    assert _scalar(city, "SELECT count(*) FROM person_nationality WHERE position = 1") > 0
    assert _scalar(city, "SELECT count(*) FROM person WHERE birth_precision <> 'day'") > 0


def test_state_equals_last_transition_and_follows_the_machine(city):
    from caseapp.workflows.person import PersonMachine

    allowed = {(e.id, s.value, t.target.value) for s in PersonMachine.states for t in s.transitions
               for e in t.events}
    rows = _rows(city, "SELECT entity_id, event, from_state, to_state FROM transition "
                       "WHERE entity = 'person' ORDER BY entity_id, occurred_on, id")
    states = dict(_rows(city, "SELECT id, state FROM person"))
    last: dict[int, str] = {}
    for pid, event, before, after in rows:
        if pid not in last:
            assert event == "register" and before is None, (pid, event)
        else:
            assert before == last[pid] and (event, before, after) in allowed, (pid, event, before, after)
        last[pid] = after
    assert last == states


def test_shelter_states_follow_their_machine(city):
    from caseapp.workflows.shelter import ShelterMachine

    allowed = {(e.id, s.value, t.target.value) for s in ShelterMachine.states for t in s.transitions
               for e in t.events}
    last: dict[int, str] = {}
    for sid, event, before, after in _rows(city,
                                           "SELECT entity_id, event, from_state, to_state FROM transition "
                                                 "WHERE entity = 'shelter' ORDER BY entity_id, occurred_on, "
                                                 "id"):
        assert (event, before, after) in allowed or (
            sid not in last and event == "register" and before is None
        )
        last[sid] = after
    assert last == dict(_rows(city, "SELECT id, state FROM shelter"))
    # No stay in a shelter before it opened or after it closed.
    assert _scalar(city, """
        SELECT count(*) FROM stay s JOIN room r ON r.id = s.room_id JOIN transition t
          ON t.entity = 'shelter' AND t.entity_id = r.shelter_id
        WHERE (t.event = 'open' AND s.start_date < t.occurred_on)
           OR (t.event = 'close' AND coalesce(s.end_date, '9999-12-31') > t.occurred_on)""") == 0


def test_stays_agree_with_transitions(city):
    assert _scalar(city, """
        SELECT count(*) FROM person p WHERE (p.state = 'accommodated') <>
            EXISTS (SELECT 1 FROM stay s WHERE s.person_id = p.id AND s.end_date IS NULL)""") == 0
    mismatched = _rows(city, """
        SELECT p.id FROM person p
        WHERE (SELECT count(*) FROM stay s WHERE s.person_id = p.id) <>
              (SELECT count(*) FROM transition t WHERE t.entity = 'person' AND t.entity_id = p.id
               AND t.event IN ('allocate', 'relocate'))""")
    assert mismatched == []


def test_stays_never_overlap_nor_overfill_a_room_or_shelter(city):
    assert _scalar(city, """
        SELECT count(*) FROM stay a JOIN stay b ON a.person_id = b.person_id AND a.id < b.id
        WHERE a.start_date < coalesce(b.end_date, '9999-12-31')
          AND b.start_date < coalesce(a.end_date, '9999-12-31')
    """) == 0
    # Occupancy only rises on days a stay starts, so checking those days checks every day.
    assert _rows(city, """
        SELECT a.id FROM stay a JOIN room r ON r.id = a.room_id
        WHERE (SELECT count(*) FROM stay b WHERE b.room_id = a.room_id AND b.start_date <= a.start_date
               AND (b.end_date IS NULL OR b.end_date > a.start_date)) > r.beds - r.blocked_beds""") == []
    assert _rows(city, """
        SELECT a.id FROM stay a JOIN room r ON r.id = a.room_id JOIN shelter s ON s.id = r.shelter_id
        WHERE (SELECT count(*) FROM stay b JOIN room rb ON rb.id = b.room_id
               WHERE rb.shelter_id = s.id AND b.start_date <= a.start_date
               AND (b.end_date IS NULL OR b.end_date > a.start_date)) > s.fire_safety_max""") == []


def test_shelters_were_occupied_throughout_the_three_years(city):
    for day in ("2023-12-01", "2025-06-01", TODAY.isoformat()):
        beds = _scalar(city, """
            SELECT sum(beds - blocked_beds) FROM room WHERE shelter_id IN (SELECT entity_id FROM transition
              WHERE entity = 'shelter' AND event = 'open' AND occurred_on <= :d)
            AND shelter_id NOT IN (SELECT entity_id FROM transition
              WHERE entity = 'shelter' AND event = 'close' AND occurred_on <= :d)""", d=day)
        occupied = _scalar(city, "SELECT count(*) FROM stay WHERE start_date <= :d "
                                 "AND (end_date IS NULL OR end_date > :d)", d=day)
        assert 0.3 * beds < occupied <= beds, day
    events = dict(_rows(city, "SELECT event, count(*) FROM transition WHERE entity = 'person' "
                              "AND occurred_on >= '2023-11-25' GROUP BY event"))
    assert all(events.get(e, 0) > 0 for e in ("arrive", "allocate", "move_out", "depart")), events
    assert _scalar(city, "SELECT count(*) FROM transition WHERE event = 'relocate'") > 0
    assert _scalar(city, "SELECT count(*) FROM transition WHERE reason = 'Geburt' "
                         "AND occurred_on >= '2023-11-25'") > 0
    assert _scalar(city, "SELECT count(*) FROM stay s JOIN room r ON r.id = s.room_id JOIN shelter h "
                         "ON h.id = r.shelter_id WHERE h.state = 'closed' AND s.end_date IS NULL") == 0


def test_everyone_is_known_to_an_office_and_abh_persons_have_a_source_record(city):
    assert _scalar(city, "SELECT count(*) FROM person p WHERE NOT EXISTS "
                         "(SELECT 1 FROM person_office o WHERE o.person_id = p.id)") == 0
    # Known "via source" only where that office's source delivered a record (the Art. 15 report says so).
    assert _scalar(city, "SELECT count(*) FROM person_office o WHERE o.via = 'source' AND NOT EXISTS "
                         "(SELECT 1 FROM source_record r WHERE r.person_id = o.person_id "
                         "AND r.source_code = o.office_code)") == 0
    assert _scalar(city, "SELECT count(*) FROM person_office o WHERE o.office_code = 'abh' AND NOT EXISTS "
                         "(SELECT 1 FROM source_record r WHERE r.person_id = o.person_id "
                         "AND r.source_code = 'abh')") == 0


def test_demo_accounts_log_in_with_the_printed_password(sqlite_city):
    import zxcvbn

    from caseapp.demo.accounts import DEMO_PASSWORD

    assert f"Passwort: {DEMO_PASSWORD}" in sqlite_city.demo_output
    assert zxcvbn.zxcvbn(DEMO_PASSWORD)["score"] >= 3
    client = sqlite_city.test_client()
    resp = client.post("/login?include_auth_token",
                       json={"email": "caseworker@demo.stadt-osnabrueck.de", "password": DEMO_PASSWORD})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    roles = dict(_rows(sqlite_city,
                       'SELECT u.email, r.name FROM "user" u JOIN roles_users ru ON ru.user_id = u.id '
                                    "JOIN role r ON r.id = ru.role_id WHERE u.email LIKE 'caseworker-soz@%'"))
    assert roles == {"caseworker-soz@demo.stadt-osnabrueck.de": "caseworker"}


def test_refuses_a_database_that_is_not_empty(pg_city, sqlite_city):
    from caseapp.demo.operations import NotEmpty, create_demo_city
    from caseapp.extensions import db

    with pg_city.app_context():
        with pytest.raises(NotEmpty, match="nicht leer"):
            create_demo_city(persons=100, seed=1, today=TODAY)
        db.session.rollback()
    result = sqlite_city.test_cli_runner().invoke(args=["demo", "--persons", "100"])
    assert result.exit_code != 0 and "nicht leer" in result.output
    assert _scalar(sqlite_city, "SELECT count(*) FROM person") == PERSONS


def test_bulk_load_leaves_indexes_and_capacity_triggers_in_place(pg_city):
    indexes = {name for (name,) in _rows(pg_city, "SELECT indexname FROM pg_indexes WHERE tablename IN "
                                                  "('person', 'transition', 'person_office')")}
    assert {
        "ix_person_name",
        "ix_person_state",
        "ix_transition_entity",
        "ix_person_office_office_code",
    } <= indexes
    assert set(_rows(pg_city, "SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'stay'::regclass "
                              "AND NOT tgisinternal")) == {("O",)}
    from sqlalchemy.exc import DBAPIError

    from caseapp.extensions import db

    room_id, free = _rows(pg_city, """
        SELECT r.id, r.beds - r.blocked_beds - count(s.id) FROM room r JOIN shelter h ON h.id = r.shelter_id
        LEFT JOIN stay s ON s.room_id = r.id AND s.end_date IS NULL
        WHERE h.state = 'open' GROUP BY r.id ORDER BY 2, 1 LIMIT 1""")[0]
    assert free == 0
    person_id = _scalar(pg_city, "SELECT min(id) FROM person WHERE state = 'housed'")
    with pg_city.app_context():
        with pytest.raises(DBAPIError, match="room_full"):
            db.session.execute(text("INSERT INTO stay (person_id, room_id, start_date) VALUES (:p, :r, :d)"),
                               {"p": person_id, "r": room_id, "d": TODAY})
        db.session.rollback()


def test_the_citys_abh_snapshot_imports_as_unchanged(tmp_path):
    """The demo's source records carry the importer's hashes: delivering the same city changes nothing."""
    import json

    app = _upgraded_app(f"sqlite:///{tmp_path / 'demo.db'}")
    snapshot = tmp_path / "ABH_20261125.csv"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--persons", "300", "--seed", "5", "--today", TODAY.isoformat(),
                                 "--no-accounts", "--abh-file", str(snapshot)])
    assert result.exit_code == 0, result.output
    records = _scalar(app, "SELECT count(*) FROM source_record WHERE source_code = 'abh'")
    assert snapshot.read_bytes().startswith(b"\xef\xbb\xbfabh_id;azr_nr;")
    result = runner.invoke(
        args=["sync", "import", "abh", str(snapshot), "--as-of", TODAY.isoformat(), "--json"]
    )
    summary = json.loads(result.output)
    assert summary["records"] == records > 250
    assert (summary["unchanged"], summary["created"], summary["updated"], summary["rejected"]) == (
        records,
        0,
        0,
        0,
    )


def test_refuses_a_database_without_schema(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'bare.db'}")
    result = app.test_cli_runner().invoke(args=["demo", "--persons", "100"])
    assert result.exit_code != 0 and "caseapp db upgrade" in result.output
