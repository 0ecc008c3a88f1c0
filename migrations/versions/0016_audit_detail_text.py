"""audit detail as text on PostgreSQL: a read row lists every person id a response showed

caseapp/audit/reads.py writes one audit row per response with the ids of the persons shown
(",4,17,23,"). A shelter's occupancy board of 300 beds shows some 250 persons, about 1,700 characters:
varchar(200) refused the INSERT and the board answered 500. SQLite does not enforce lengths (the model
keeps String(200) there, so models and migrations still agree).

Revision ID: 0016_audit_detail_text
Revises: 0015_record_key
"""
import flask_security  # noqa: F401
import sqlalchemy as sa
from alembic import op

revision = "0016_audit_detail_text"
down_revision = "0015_record_key"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("audit_event", "detail", type_=sa.Text(), existing_type=sa.String(length=200))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("audit_event", "detail", type_=sa.String(length=200), existing_type=sa.Text(),
                        postgresql_using="left(detail, 200)")
