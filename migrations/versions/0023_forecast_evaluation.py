"""forecast evaluation: the stored backtest by horizon and actual series of the children forecast

Revision ID: 0023_forecast_evaluation
Revises: 0020_person_name_words
"""
import sqlalchemy as sa
from alembic import op

revision = "0023_forecast_evaluation"
down_revision = "0020_person_name_words"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "forecast_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("computed_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_evaluation")),
    )
    op.create_index(op.f("ix_forecast_evaluation_as_of"), "forecast_evaluation", ["as_of"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_forecast_evaluation_as_of"), table_name="forecast_evaluation")
    op.drop_table("forecast_evaluation")
