"""secdata scope: households carry the office that created them; stays are indexed by their end

household.office_code: a household created through POST /api/v1/households belongs to the creating
user's office, so a caseworker of that office may attach persons to it before it has a member they
can see (people/access.py visible_households); other offices' households answer like unknown ones.
ix_stay_end_person (end_date, person_id): the shelter manager's scope reads the open stays and those
ended in the last 30 days from the index alone, once per query.

Revision ID: 0010_secdata_scope
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_secdata_scope"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.add_column(sa.Column("office_code", sa.String(length=10), nullable=True))
        batch_op.create_index(batch_op.f("ix_household_office_code"), ["office_code"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_household_office_code_office"), "office", ["office_code"],
                                    ["code"])
    with op.batch_alter_table("stay", schema=None) as batch_op:
        batch_op.create_index("ix_stay_end_person", ["end_date", "person_id"], unique=False)


def downgrade():
    with op.batch_alter_table("stay", schema=None) as batch_op:
        batch_op.drop_index("ix_stay_end_person")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_household_office_code_office"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_household_office_code"))
        batch_op.drop_column("office_code")
