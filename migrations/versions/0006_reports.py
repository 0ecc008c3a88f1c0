"""reports: report_job, the committee report jobs and their archive

Revision ID: 0006
Revises: 0005
"""
import flask_security  # noqa: F401
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee", sa.String(length=30), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=200), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_label", sa.String(length=255), nullable=True),
        sa.Column("requested_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("data_date", sa.Date(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("checksum", sa.String(length=64), nullable=True),
        sa.Column("file_path", sa.String(length=500), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')",
                           name=op.f("ck_report_job_status")),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name=op.f("ck_report_job_progress")),
        sa.CheckConstraint(
            "requested_by_id IS NOT NULL OR requested_by_label IS NOT NULL",
            name=op.f("ck_report_job_requester")
        ),
        sa.CheckConstraint(
            "status <> 'done' OR (checksum IS NOT NULL AND file_path IS NOT NULL)",
            name=op.f("ck_report_job_archived"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user.id"], name=op.f("fk_report_job_requested_by_id_user"),
            ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_job")),
    )
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.create_index("ix_report_job_committee_period", ["committee", "period"], unique=False)
        batch_op.create_index("ix_report_job_requested_at", ["requested_at"], unique=False)


def downgrade():
    with op.batch_alter_table("report_job", schema=None) as batch_op:
        batch_op.drop_index("ix_report_job_requested_at")
        batch_op.drop_index("ix_report_job_committee_period")
    op.drop_table("report_job")
