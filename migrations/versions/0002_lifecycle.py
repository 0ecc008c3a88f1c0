"""lifecycle: the database refuses more stays in a room than it has free beds

Revision ID: 0002
Revises: 0001

PostgreSQL: a trigger on stay locks the shelter row (the same lock the allocation operation takes,
in the same order: shelter first) and refuses a stay when, on any day from its start on, the room
would hold more persons than beds minus blocked beds, or the shelter more than its fire-safety
maximum. Under READ COMMITTED every statement of the trigger sees what the lock holder committed,
so concurrent gunicorn workers cannot double-book a bed even if they bypass the operation.
SQLite (demo only, one writer at a time): a simpler trigger on open-ended stays.
"""
import flask_security  # noqa: F401
import sqlalchemy as sa  # noqa: F401
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION stay_room_capacity() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r_beds integer;
    r_blocked integer;
    r_shelter integer;
    s_max integer;
    busiest integer;
    shelter_busy integer;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.room_id = OLD.room_id AND NEW.start_date >= OLD.start_date
       AND NOT (OLD.end_date IS NOT NULL AND (NEW.end_date IS NULL OR NEW.end_date > OLD.end_date)) THEN
        RETURN NEW;  -- a stay that only gets shorter never overbooks
    END IF;
    SELECT shelter_id INTO r_shelter FROM room WHERE id = NEW.room_id;
    SELECT fire_safety_max INTO s_max FROM shelter WHERE id = r_shelter FOR UPDATE;
    SELECT beds, blocked_beds INTO r_beds, r_blocked FROM room WHERE id = NEW.room_id FOR UPDATE;
    -- The most persons in the room on any day the new stay covers: the count on each day a stay
    -- starts within the new stay's period (occupancy only rises on such days).
    SELECT coalesce(max(c), 0) INTO busiest FROM (
        SELECT (SELECT count(*) FROM stay s
                WHERE s.room_id = NEW.room_id AND s.id <> NEW.id AND s.start_date <= p.day
                  AND (s.end_date IS NULL OR s.end_date > p.day)) AS c
        FROM (SELECT NEW.start_date AS day
              UNION SELECT start_date FROM stay
              WHERE room_id = NEW.room_id AND id <> NEW.id AND start_date > NEW.start_date
                AND (NEW.end_date IS NULL OR start_date < NEW.end_date)) p
    ) counts;
    IF (NEW.end_date IS NULL OR NEW.end_date > NEW.start_date) AND busiest + 1 > r_beds - r_blocked THEN
        RAISE EXCEPTION 'room_full: room % has % free beds', NEW.room_id, r_beds - r_blocked - busiest
            USING ERRCODE = 'check_violation';
    END IF;
    IF s_max IS NOT NULL AND NEW.end_date IS NULL THEN
        SELECT count(*) INTO shelter_busy FROM stay s JOIN room r ON r.id = s.room_id
        WHERE r.shelter_id = r_shelter AND s.id <> NEW.id AND s.end_date IS NULL;
        IF shelter_busy + 1 > s_max THEN
            RAISE EXCEPTION 'room_full: shelter % is at its fire-safety maximum', r_shelter
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
"""

PG_ROOM_FUNCTION = """
CREATE OR REPLACE FUNCTION room_keeps_its_residents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    busy integer;
BEGIN
    SELECT count(*) INTO busy FROM stay WHERE room_id = NEW.id AND end_date IS NULL;
    IF busy > NEW.beds - NEW.blocked_beds THEN
        RAISE EXCEPTION 'room_full: room % holds % persons', NEW.id, busy USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
"""

SQLITE_TRIGGERS = {
    "stay_room_capacity_insert": """
        CREATE TRIGGER stay_room_capacity_insert BEFORE INSERT ON stay
        WHEN NEW.end_date IS NULL
            AND (SELECT count(*) FROM stay WHERE room_id = NEW.room_id AND end_date IS NULL)
            >= (SELECT beds - blocked_beds FROM room WHERE id = NEW.room_id)
        BEGIN SELECT RAISE(ABORT, 'room_full: no free bed in the room'); END
    """,
    "stay_room_capacity_update": """
        CREATE TRIGGER stay_room_capacity_update BEFORE UPDATE OF room_id, end_date ON stay
        WHEN NEW.end_date IS NULL AND (OLD.end_date IS NOT NULL OR NEW.room_id <> OLD.room_id)
            AND (SELECT count(*) FROM stay WHERE room_id = NEW.room_id AND end_date IS NULL AND id <> NEW.id)
            >= (SELECT beds - blocked_beds FROM room WHERE id = NEW.room_id)
        BEGIN SELECT RAISE(ABORT, 'room_full: no free bed in the room'); END
    """,
    "room_keeps_its_residents": """
        CREATE TRIGGER room_keeps_its_residents BEFORE UPDATE OF beds, blocked_beds ON room
        WHEN (SELECT count(*) FROM stay WHERE room_id = NEW.id AND end_date IS NULL)
            > NEW.beds - NEW.blocked_beds
        BEGIN SELECT RAISE(ABORT, 'room_full: the room holds more persons'); END
    """,
}


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute("CREATE TRIGGER stay_room_capacity BEFORE INSERT OR UPDATE ON stay "
                   "FOR EACH ROW EXECUTE FUNCTION stay_room_capacity()")
        op.execute(PG_ROOM_FUNCTION)
        op.execute("CREATE TRIGGER room_keeps_its_residents BEFORE UPDATE OF beds, blocked_beds ON room "
                   "FOR EACH ROW EXECUTE FUNCTION room_keeps_its_residents()")
    else:
        for ddl in SQLITE_TRIGGERS.values():
            op.execute(ddl)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS room_keeps_its_residents ON room")
        op.execute("DROP FUNCTION IF EXISTS room_keeps_its_residents()")
        op.execute("DROP TRIGGER IF EXISTS stay_room_capacity ON stay")
        op.execute("DROP FUNCTION IF EXISTS stay_room_capacity()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
