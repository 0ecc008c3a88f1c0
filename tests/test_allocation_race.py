"""No double booking under real concurrency: parallel connections allocate into one room at once.

Runs against its own throw-away PostgreSQL database with committed data (the rollback-per-test
fixture would hide what other connections see), and drops it afterwards.
"""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from tests import services
from tests.conftest import make_app

WORKERS = 12
BEDS = 3


@pytest.fixture(scope="module")
def race_app(pg_server):
    from flask_migrate import upgrade

    url, name = services.create_database(pg_server)
    application = make_app(url.replace("postgresql://", "postgresql+psycopg://"),
                           SQLALCHEMY_ENGINE_OPTIONS={"pool_size": WORKERS + 2, "max_overflow": 0})
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        from caseapp.extensions import db

        db.engine.dispose()
    services.drop_database(pg_server, name)


def _setup(app, persons: int):
    from caseapp.extensions import db
    from tests.factories import Factory

    with app.app_context():
        f = Factory(db)
        user = f.user(role="shelter_manager", offices=())
        shelter = f.shelter(rooms=(("R", BEDS),))
        ids = [f.person(state="arrived").id for _ in range(persons)]
        db.session.commit()
        return user.id, shelter.id, shelter.rooms[0].id, ids


def _in_parallel(app, person_ids, work):
    """Runs work(person_id) in one thread per person, each with its own app context and connection,
    all released at the same moment; returns the outcomes."""
    barrier = threading.Barrier(len(person_ids))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(pid):
        from caseapp.extensions import db

        with app.app_context():
            barrier.wait()
            try:
                result = work(pid)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test counts
                db.session.rollback()
                result = type(exc).__name__
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=run, args=(pid,)) for pid in person_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def _active_in_room(app, room_id):
    from caseapp.extensions import db
    from caseapp.shelters.models import Stay

    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(Stay)
                              .where(Stay.room_id == room_id, Stay.end_date.is_(None)))
        db.session.remove()
        return n


def test_parallel_allocations_fill_exactly_the_free_beds(race_app):
    user_id, shelter_id, room_id, ids = _setup(race_app, WORKERS)

    def allocate(pid):
        from caseapp.auth.models import User
        from caseapp.extensions import db
        from caseapp.people.models import Person
        from caseapp.people.operations import run_transition

        run_transition(db.session.get(Person, pid), "allocate", by=db.session.get(User, user_id),
                       shelter_id=shelter_id, channel="test")
        return "placed"

    outcomes = _in_parallel(race_app, ids, allocate)
    assert sorted(outcomes).count("placed") == BEDS, outcomes
    assert outcomes.count("TransitionRefused") == WORKERS - BEDS, outcomes
    assert _active_in_room(race_app, room_id) == BEDS


def test_the_database_refuses_overbooking_even_without_the_operation(race_app):
    """Raw inserts from parallel connections, bypassing every lock the operation takes."""
    _, _, room_id, ids = _setup(race_app, WORKERS)

    def insert(pid):
        from caseapp.extensions import db

        db.session.execute(text("INSERT INTO stay (person_id, room_id, start_date) VALUES (:p, :r, :d)"),
                           {"p": pid, "r": room_id, "d": date.today()})
        return "inserted"

    outcomes = _in_parallel(race_app, ids, insert)
    assert outcomes.count("inserted") == BEDS, outcomes
    assert outcomes.count(IntegrityError.__name__) == WORKERS - BEDS, outcomes
    assert _active_in_room(race_app, room_id) == BEDS


def test_one_person_is_never_placed_twice_at_once(race_app):
    user_id, shelter_id, _room_id, ids = _setup(race_app, 1)
    from caseapp.extensions import db
    from caseapp.shelters.models import Room, Shelter

    with race_app.app_context():  # a second room, so only the person rule can refuse
        shelter = db.session.get(Shelter, shelter_id)
        shelter.rooms.append(Room(name="R2", beds=5))
        db.session.commit()
        db.session.remove()

    def allocate(pid):
        from caseapp.auth.models import User
        from caseapp.people.models import Person
        from caseapp.people.operations import run_transition

        run_transition(db.session.get(Person, pid), "allocate", by=db.session.get(User, user_id),
                       shelter_id=shelter_id)
        return "placed"

    outcomes = _in_parallel(race_app, ids * 6, allocate)
    assert outcomes.count("placed") == 1 and outcomes.count("TransitionRefused") == 5, outcomes
