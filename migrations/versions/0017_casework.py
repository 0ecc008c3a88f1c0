"""casework: follow-ups (Wiedervorlagen) and case notes on a person, per office

Revision ID: 0017_casework
Revises: 0016_audit_detail_text
"""
import flask_security  # noqa: F401
import sqlalchemy as sa
from alembic import op

revision = "0017_casework"
down_revision = "0016_audit_detail_text"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("office_code", sa.String(length=10), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_follow_up_text")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_follow_up_person_id_person"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["office_code"], ["office.code"],
                                name=op.f("fk_follow_up_office_code_office")),
        sa.ForeignKeyConstraint(["created_by_id"], ["user.id"], name=op.f("fk_follow_up_created_by_id_user")),
        sa.ForeignKeyConstraint(["done_by_id"], ["user.id"], name=op.f("fk_follow_up_done_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
    )
    op.create_index(op.f("ix_follow_up_person_id"), "follow_up", ["person_id"])
    op.create_index(op.f("ix_follow_up_created_by_id"), "follow_up", ["created_by_id"])
    op.create_index("ix_follow_up_open_due", "follow_up", ["office_code", "due_on"],
                    postgresql_where=sa.text("done_at IS NULL"), sqlite_where=sa.text("done_at IS NULL"))
    op.create_table(
        "case_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("office_code", sa.String(length=10), nullable=False),
        sa.Column("text", sa.String(length=1000), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_case_note_text")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_case_note_person_id_person"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["office_code"], ["office.code"],
                                name=op.f("fk_case_note_office_code_office")),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_case_note_author_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_note")),
    )
    op.create_index(op.f("ix_case_note_person_id"), "case_note", ["person_id"])
    op.create_index(op.f("ix_case_note_author_id"), "case_note", ["author_id"])


def downgrade():
    op.drop_table("case_note")
    op.drop_table("follow_up")
