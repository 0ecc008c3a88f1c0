"""legacy import: the shelters' old Excel occupancy lists and what became of their rows

Revision ID: 0018_legacy_import
Revises: 0017_casework
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_legacy_import"
down_revision = "0017_casework"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "legacy_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("shelter_id", sa.Integer(), nullable=True),
        sa.Column("office_code", sa.String(length=10), nullable=False),
        sa.Column("residence_status", sa.String(length=20), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.Column("applied_by_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["shelter_id"], ["shelter.id"],
                                name=op.f("fk_legacy_import_shelter_id_shelter"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["office_code"], ["office.code"],
                                name=op.f("fk_legacy_import_office_code_office")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"],
                                name=op.f("fk_legacy_import_uploaded_by_id_user")),
        sa.ForeignKeyConstraint(["applied_by_id"], ["user.id"],
                                name=op.f("fk_legacy_import_applied_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legacy_import")),
    )
    op.create_index(op.f("ix_legacy_import_sha256"), "legacy_import", ["sha256"])
    op.create_index(op.f("ix_legacy_import_uploaded_by_id"), "legacy_import", ["uploaded_by_id"])
    op.create_table(
        "legacy_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("sheet", sa.String(length=100), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["legacy_import.id"],
                                name=op.f("fk_legacy_row_import_id_legacy_import"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_legacy_row_person_id_person"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"], name=op.f("fk_legacy_row_room_id_room"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["user.id"],
                                name=op.f("fk_legacy_row_resolved_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legacy_row")),
    )
    op.create_index(op.f("ix_legacy_row_import_id"), "legacy_row", ["import_id"])
    op.create_index(op.f("ix_legacy_row_person_id"), "legacy_row", ["person_id"])


def downgrade():
    op.drop_table("legacy_row")
    op.drop_table("legacy_import")
