"""placement: rooms marked mixed (gemischt), households with a head

room.mixed: the shelter manager marks a room where adults of different sexes who are not one
household may sleep; without the mark the protection rule of interfaces.md keeps them apart.
household.head_id: the member who heads the household (Haushaltsvorstand), cleared when that person is
deleted.

Revision ID: 0012_placement_rules
Revises: 0011_linkage
"""
import flask_security  # noqa: F401
import sqlalchemy as sa
from alembic import op

revision = "0012_placement_rules"
down_revision = "0011_linkage"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD/DROP COLUMN (no batch copy of room: on SQLite the capacity triggers name the table).
    op.add_column("room", sa.Column("mixed", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("household") as batch_op:
        batch_op.add_column(sa.Column("head_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_household_head_id_person"), "person",
                                    ["head_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("household") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_household_head_id_person"), type_="foreignkey")
        batch_op.drop_column("head_id")
    op.drop_column("room", "mixed")
