"""foundation

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 09:21:52.081447

"""
import flask_security
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def _only(dialect, *constraints):
    """Constraints that exist in one dialect's SQL only (regex and gist on PostgreSQL)."""
    return constraints if op.get_bind().dialect.name == dialect else ()


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # btree_gist lets the stay exclusion constraint mix '=' on person with '&&' on dates.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_email', sa.String(length=255), nullable=True),
    sa.Column('actor', sa.String(length=50), nullable=True),
    sa.Column('office', sa.String(length=50), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('detail', sa.String(length=200), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_event_hash'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index('ix_audit_event_user', ['user_id'], unique=False)

    op.create_table('district',
    sa.Column('number', sa.String(length=2), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('geometry', sa.JSON(), nullable=True),
    sa.Column('places', sa.JSON(), nullable=True),
    sa.CheckConstraint("number >= '01' AND number <= '23' AND length(number) = 2",
                       name=op.f('ck_district_number')),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_district')),
    sa.UniqueConstraint('name', name=op.f('uq_district_name'))
    )
    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household'))
    )
    op.create_table('office',
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_office')),
    sa.UniqueConstraint('name', name=op.f('uq_office_name'))
    )
    op.create_table('role',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=255), nullable=True),
    sa.Column('permissions', flask_security.datastore.AsaList(), nullable=True),
    sa.Column('update_datetime', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role')),
    sa.UniqueConstraint('name', name=op.f('uq_role_name'))
    )
    op.create_table('user',
    sa.Column('fs_webauthn_user_handle', sa.String(length=64), nullable=True),
    sa.Column('mf_recovery_codes', flask_security.datastore.AsaList(), nullable=True),
    sa.Column('password', sa.String(length=255), nullable=True),
    sa.Column('us_phone_number', sa.String(length=128), nullable=True),
    sa.Column('username', sa.String(length=255), nullable=True),
    sa.Column('us_totp_secrets', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('fs_uniquifier', sa.String(length=64), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.Column('current_login_at', sa.DateTime(), nullable=True),
    sa.Column('last_login_ip', sa.String(length=64), nullable=True),
    sa.Column('current_login_ip', sa.String(length=64), nullable=True),
    sa.Column('login_count', sa.Integer(), nullable=True),
    sa.Column('tf_primary_method', sa.String(length=64), nullable=True),
    sa.Column('tf_totp_secret', sa.String(length=255), nullable=True),
    sa.Column('tf_phone_number', sa.String(length=128), nullable=True),
    sa.Column('create_datetime', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('update_datetime', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email')),
    sa.UniqueConstraint('fs_uniquifier', name=op.f('uq_user_fs_uniquifier')),
    sa.UniqueConstraint('fs_webauthn_user_handle', name=op.f('uq_user_fs_webauthn_user_handle')),
    sa.UniqueConstraint('us_phone_number', name=op.f('uq_user_us_phone_number')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("azr_number", sa.String(length=12), nullable=True),
        sa.Column("family_name", sa.String(length=200), nullable=True),
        sa.Column("given_names", sa.String(length=200), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("birth_precision", sa.String(length=5), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("nationality", sa.String(length=3), nullable=False),
        sa.Column("residence_status", sa.String(length=12), nullable=False),
        sa.Column("legal_basis", sa.String(length=100), nullable=True),
        sa.Column("entry_date", sa.Date(), nullable=True),
        sa.Column("move_in_date", sa.Date(), nullable=True),
        sa.Column("move_out_date", sa.Date(), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("house_number", sa.String(length=20), nullable=True),
        sa.Column("postcode", sa.String(length=5), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("district_number", sa.String(length=2), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("needs", sa.String(length=200), nullable=True),
        sa.Column("registered_by_office", sa.String(length=10), nullable=True),
        sa.Column("flagged_missing_since", sa.Date(), nullable=True),
        sa.Column("anonymised_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(),
                  nullable=False),
        *_only(
            "sqlite",
            sa.CheckConstraint(
                "azr_number IS NULL OR (length(azr_number) = 12 AND azr_number NOT GLOB '*[^0-9]*')",
                name=op.f("ck_person_azr_number_sqlite"),
            ),
        ),
        *_only(
            "postgresql",
            sa.CheckConstraint(
                "azr_number IS NULL OR azr_number ~ '^[0-9]{12}$'", name=op.f("ck_person_azr_number")
            ),
        ),
        *_only(
            "sqlite",
            sa.CheckConstraint(
                "birth_precision = 'day' OR (birth_precision = 'month' AND CAST(strftime('%d', birth_date) "
                "AS INTEGER) = 15) OR (birth_precision = 'year' AND strftime('%m-%d', birth_date) = '07-01')",
                name=op.f("ck_person_birth_reference_sqlite"),
            ),
        ),
        *_only(
            "postgresql",
            sa.CheckConstraint(
                "birth_precision = 'day' OR (birth_precision = 'month' AND EXTRACT(DAY FROM birth_date) = "
                "15) OR (birth_precision = 'year' AND EXTRACT(MONTH FROM birth_date) = 7 AND EXTRACT(DAY "
                "FROM birth_date) = 1)",
                name=op.f("ck_person_birth_reference"),
            ),
        ),
        sa.CheckConstraint(
            "birth_precision IN ('day', 'month', 'year')", name=op.f("ck_person_birth_precision")
        ),
        sa.CheckConstraint(
            "residence_status IN ('ANKUNFT', 'GESTATTUNG', 'DULDUNG', 'AE', 'NE', 'EU', 'FIKTION', 'OHNE')",
            name=op.f("ck_person_residence_status"),
        ),
        sa.CheckConstraint("sex IN ('m', 'w', 'd', 'x')", name=op.f("ck_person_sex")),
        sa.CheckConstraint(
            "state IN ('announced', 'arrived', 'accommodated', 'housed', 'departed')",
            name=op.f("ck_person_state"),
        ),
        sa.CheckConstraint(
            "move_out_date IS NULL OR move_in_date IS NULL OR move_out_date >= move_in_date",
            name=op.f("ck_person_move_dates"),
        ),
        sa.CheckConstraint("postcode IS NULL OR length(postcode) = 5", name=op.f("ck_person_postcode")),
        sa.ForeignKeyConstraint(
            ["district_number"], ["district.number"], name=op.f("fk_person_district_number_district")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_person_household_id_household")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_office"], ["office.code"], name=op.f("fk_person_registered_by_office_office")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("azr_number", name=op.f("uq_person_azr_number")),
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_birth_date'), ['birth_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_district_number'), ['district_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_person_name', ['family_name', 'given_names'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_nationality'), ['nationality'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_residence_status'), ['residence_status'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_state'), ['state'], unique=False)

    op.create_table('roles_users',
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('role_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['role_id'], ['role.id'], name=op.f('fk_roles_users_role_id_role')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_roles_users_user_id_user'))
    )
    op.create_table('shelter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=True),
    sa.Column('house_number', sa.String(length=20), nullable=True),
    sa.Column('postcode', sa.String(length=5), nullable=True),
    sa.Column('district_number', sa.String(length=2), nullable=False),
    sa.Column('operator', sa.String(length=200), nullable=True),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('fire_safety_max', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("state IN ('planned', 'open', 'closed')", name=op.f('ck_shelter_state')),
    sa.CheckConstraint('fire_safety_max IS NULL OR fire_safety_max >= 0',
                       name=op.f('ck_shelter_fire_safety_max')),
    sa.ForeignKeyConstraint(['district_number'], ['district.number'],
                            name=op.f('fk_shelter_district_number_district')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shelter')),
    sa.UniqueConstraint('name', name=op.f('uq_shelter_name'))
    )
    with op.batch_alter_table('shelter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shelter_district_number'), ['district_number'], unique=False)

    op.create_table('transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=10), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.String(length=12), nullable=True),
    sa.Column('to_state', sa.String(length=12), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('by_label', sa.String(length=50), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.CheckConstraint("entity IN ('person', 'shelter')", name=op.f('ck_transition_entity')),
    sa.CheckConstraint('by_user_id IS NOT NULL OR by_label IS NOT NULL', name=op.f('ck_transition_actor')),
    sa.ForeignKeyConstraint(['by_user_id'], ['user.id'], name=op.f('fk_transition_by_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transition'))
    )
    with op.batch_alter_table('transition', schema=None) as batch_op:
        batch_op.create_index(
            "ix_transition_entity", ["entity", "entity_id", "occurred_on", "id"], unique=False
        )
        batch_op.create_index('ix_transition_occurred_on', ['occurred_on'], unique=False)

    op.create_table('user_office',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('office_code', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['office_code'], ['office.code'], name=op.f('fk_user_office_office_code_office'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_office_user_id_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'office_code', name=op.f('pk_user_office'))
    )
    op.create_table('webauthn',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.LargeBinary(length=1024), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('sign_count', sa.Integer(), nullable=True),
    sa.Column('transports', flask_security.datastore.AsaList(), nullable=True),
    sa.Column('backup_state', sa.Boolean(), nullable=False),
    sa.Column('device_type', sa.String(length=64), nullable=False),
    sa.Column('extensions', sa.String(length=255), nullable=True),
    sa.Column('create_datetime', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('lastuse_datetime', sa.DateTime(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('usage', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_webauthn_user_id_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webauthn'))
    )
    with op.batch_alter_table('webauthn', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webauthn_credential_id'), ['credential_id'], unique=True)

    op.create_table('person_nationality',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.CheckConstraint('length(code) = 3 AND upper(code) = code', name=op.f('ck_person_nationality_code')),
    sa.CheckConstraint('position >= 0', name=op.f('ck_person_nationality_position')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_nationality_person_id_person'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'position', name=op.f('pk_person_nationality'))
    )
    op.create_table('person_office',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('office_code', sa.String(length=10), nullable=False),
    sa.Column('via', sa.String(length=12), nullable=False),
    sa.Column('since', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint("via IN ('source', 'registration')", name=op.f('ck_person_office_via')),
    sa.ForeignKeyConstraint(['office_code'], ['office.code'],
                            name=op.f('fk_person_office_office_code_office')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_office_person_id_person'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'office_code', name=op.f('pk_person_office'))
    )
    with op.batch_alter_table('person_office', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_office_office_code'), ['office_code'], unique=False)

    op.create_table('room',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shelter_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('beds', sa.Integer(), nullable=False),
    sa.Column('blocked_beds', sa.Integer(), nullable=False),
    sa.Column('accessible', sa.Boolean(), nullable=False),
    sa.Column('family', sa.Boolean(), nullable=False),
    sa.Column('women_only', sa.Boolean(), nullable=False),
    sa.CheckConstraint('beds >= 0', name=op.f('ck_room_beds')),
    sa.CheckConstraint('blocked_beds >= 0 AND blocked_beds <= beds', name=op.f('ck_room_blocked_beds')),
    sa.ForeignKeyConstraint(['shelter_id'], ['shelter.id'], name=op.f('fk_room_shelter_id_shelter'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room')),
    sa.UniqueConstraint('shelter_id', 'name', name=op.f('uq_room_shelter_id_name'))
    )
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_shelter_id'), ['shelter_id'], unique=False)

    op.create_table('stay',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    *_only('postgresql', postgresql.ExcludeConstraint((sa.column('person_id'), '='),
                                                      (sa.text("daterange(start_date, end_date, '[)')"),
                                                       '&&'), using='gist', name='stay_no_overlap')),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_stay_dates')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_stay_person_id_person'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['room_id'], ['room.id'], name=op.f('fk_stay_room_id_room')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stay'))
    )
    with op.batch_alter_table('stay', schema=None) as batch_op:
        batch_op.create_index('ix_stay_period', ['start_date', 'end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_stay_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_stay_room_active', ['room_id', 'end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_stay_room_id'), ['room_id'], unique=False)
        batch_op.create_index(
            "uq_stay_person_active",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text("end_date IS NULL"),
            postgresql_where=sa.text("end_date IS NULL"),
        )

    # ### end Alembic commands ###
    if op.get_bind().dialect.name == "sqlite":
        # SQLite has no exclusion constraints: refuse overlapping stays of one person with triggers.
        for when in ("INSERT", "UPDATE"):
            op.execute(f"""
                CREATE TRIGGER stay_no_overlap_{when.lower()} BEFORE {when} ON stay
                WHEN EXISTS (
                    SELECT 1 FROM stay s WHERE s.person_id = NEW.person_id AND s.id IS NOT NEW.id
                    AND (NEW.end_date IS NULL OR s.start_date < NEW.end_date)
                    AND (s.end_date IS NULL OR NEW.start_date < s.end_date))
                BEGIN SELECT RAISE(ABORT, 'stay_no_overlap: stays of one person overlap'); END
            """)
    _seed()


def _seed():
    from caseapp.auth.roles import ROLES
    from caseapp.districts.data import district_rows
    from caseapp.offices.models import OFFICES

    office = sa.table("office", sa.column("code"), sa.column("name"))
    op.bulk_insert(office, [{"code": c, "name": n} for c, n in OFFICES.items()])
    district = sa.table("district", sa.column("number"), sa.column("name"))
    op.bulk_insert(district, district_rows())
    role = sa.table("role", sa.column("name"), sa.column("description"))
    op.bulk_insert(role, [{"name": r, "description": d} for r, d in ROLES.items()])


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS stay_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS stay_no_overlap_update")
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('stay', schema=None) as batch_op:
        batch_op.drop_index(
            "uq_stay_person_active",
            sqlite_where=sa.text("end_date IS NULL"),
            postgresql_where=sa.text("end_date IS NULL"),
        )
        batch_op.drop_index(batch_op.f('ix_stay_room_id'))
        batch_op.drop_index('ix_stay_room_active')
        batch_op.drop_index(batch_op.f('ix_stay_person_id'))
        batch_op.drop_index('ix_stay_period')

    op.drop_table('stay')
    with op.batch_alter_table('room', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_shelter_id'))

    op.drop_table('room')
    with op.batch_alter_table('person_office', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_office_office_code'))

    op.drop_table('person_office')
    op.drop_table('person_nationality')
    with op.batch_alter_table('webauthn', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webauthn_credential_id'))

    op.drop_table('webauthn')
    op.drop_table('user_office')
    with op.batch_alter_table('transition', schema=None) as batch_op:
        batch_op.drop_index('ix_transition_occurred_on')
        batch_op.drop_index('ix_transition_entity')

    op.drop_table('transition')
    with op.batch_alter_table('shelter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shelter_district_number'))

    op.drop_table('shelter')
    op.drop_table('roles_users')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_state'))
        batch_op.drop_index(batch_op.f('ix_person_residence_status'))
        batch_op.drop_index(batch_op.f('ix_person_nationality'))
        batch_op.drop_index('ix_person_name')
        batch_op.drop_index(batch_op.f('ix_person_household_id'))
        batch_op.drop_index(batch_op.f('ix_person_district_number'))
        batch_op.drop_index(batch_op.f('ix_person_birth_date'))

    op.drop_table('person')
    op.drop_table('user')
    op.drop_table('role')
    op.drop_table('office')
    op.drop_table('household')
    op.drop_table('district')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_user')
        batch_op.drop_index('ix_audit_event_object')
        batch_op.drop_index('ix_audit_event_at')

    op.drop_table('audit_event')
    # ### end Alembic commands ###
