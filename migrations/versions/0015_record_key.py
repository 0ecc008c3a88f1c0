"""record key: a random 0..255 per person for the cell-key method of published figures

Each person gets a fixed random record key (caseapp/stats/cellkey.py); the cell key of a published
count is the sum of its persons' record keys mod 256, and the noise added to the count is read from the
perturbation table at (count, cell key). Existing persons get a random key here.

Revision ID: 0015_record_key
Revises: 0014_office_sources
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_record_key"
down_revision = "0014_office_sources"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("record_key", sa.SmallInteger(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        # The cube's UPDATE trigger runs once for the statement and nets to zero (no counted key changes).
        op.execute("UPDATE person SET record_key = floor(random() * 256)::smallint")
    else:
        op.execute("UPDATE person SET record_key = abs(random()) % 256")
    with op.batch_alter_table("person") as batch:
        batch.alter_column("record_key", existing_type=sa.SmallInteger(), nullable=False)


def downgrade():
    with op.batch_alter_table("person") as batch:
        batch.drop_column("record_key")
