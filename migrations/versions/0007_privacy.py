"""privacy: erased_key, the content-free markers of erased source keys

Revision ID: 0007
Revises: 0006
"""
import flask_security  # noqa: F401
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "erased_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("marker", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.CheckConstraint("length(marker) = 64", name=op.f("ck_erased_key_marker")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erased_key")),
        sa.UniqueConstraint("marker", name=op.f("uq_erased_key_marker")),
    )


def downgrade():
    op.drop_table("erased_key")
