"""district places: Kita and school places per district, kind and year (entered or imported from CSV)

The places the district table held as one JSON value per district (no year, never filled through the
UI) move into their own table, one row per district, kind and year (the current year for old values).

Revision ID: 0019_district_places
Revises: 0018_legacy_import
"""
import datetime

import sqlalchemy as sa
from alembic import op

revision = "0019_district_places"
down_revision = "0018_legacy_import"
branch_labels = None
depends_on = None

KINDS = ("krippe", "kita", "einschulung", "grundschule")


def upgrade():
    op.create_table(
        "district_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_number", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("kind IN ('krippe', 'kita', 'einschulung', 'grundschule')",
                           name=op.f("ck_district_places_kind")),
        sa.CheckConstraint("places >= 0", name=op.f("ck_district_places_places_not_negative")),
        sa.CheckConstraint("year >= 2000 AND year <= 2100", name=op.f("ck_district_places_year_range")),
        sa.ForeignKeyConstraint(["district_number"], ["district.number"],
                                name=op.f("fk_district_places_district_number_district")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user.id"],
                                name=op.f("fk_district_places_updated_by_id_user"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district_places")),
        sa.UniqueConstraint("district_number", "kind", "year", 
                            name=op.f("uq_district_places_district_number_kind_year")),
    )
    op.create_index(op.f("ix_district_places_district_number"), "district_places", ["district_number"])
    bind = op.get_bind()
    this_year = datetime.date.today().year
    district = sa.table("district", sa.column("number", sa.String), sa.column("places", sa.JSON))
    target = sa.table("district_places", sa.column("district_number", sa.String),
                      sa.column("kind", sa.String), sa.column("year", sa.Integer),
                      sa.column("places", sa.Integer), sa.column("source", sa.String))
    rows = []
    for number, places in bind.execute(sa.select(district.c.number, district.c.places)):
        for kind, n in (places or {}).items():
            if kind in KINDS and isinstance(n, int) and n >= 0:
                rows.append({"district_number": number, "kind": kind, "year": this_year, "places": n,
                             "source": "eingabe"})
    if rows:
        op.bulk_insert(target, rows)
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.drop_column("places")


def downgrade():
    with op.batch_alter_table("district", schema=None) as batch_op:
        batch_op.add_column(sa.Column("places", sa.JSON(), nullable=True))
    op.drop_index(op.f("ix_district_places_district_number"), table_name="district_places")
    op.drop_table("district_places")
