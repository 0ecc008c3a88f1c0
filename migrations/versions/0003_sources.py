"""sources: sources, deliveries, sync runs, source records, provenance, quarantine

Revision ID: 0003
Revises: 0002
"""
import flask_security  # noqa: F401
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# One source per office (a source belongs to the office of the same code); only abh delivers so far.
SOURCES = [
    {"code": "abh", "name": "Ausländerbehörde (Fachverfahren)", "adapter": "abh", "active": True},
    {"code": "soz", "name": "Sozialamt", "adapter": None, "active": False},
    {"code": "jug", "name": "Jugendamt", "adapter": None, "active": False},
    {"code": "sch", "name": "Schulamt", "adapter": None, "active": False},
    {"code": "int", "name": "Büro für Integration", "adapter": None, "active": False},
]


def upgrade():
    source = op.create_table(
        "source",
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("adapter", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["code"], ["office.code"], name=op.f("fk_source_code_office")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_source")),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_code", sa.String(length=10), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("received_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("archived_path", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["source_code"], ["source.code"],
                                name=op.f("fk_delivery_source_code_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
    )
    op.create_index("ix_delivery_source_checksum", "delivery", ["source_code", "checksum"])
    op.create_table(
        "sync_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.Column("source_code", sa.String(length=10), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=True),
        sa.Column("started_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("missing", sa.Integer(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.CheckConstraint("status IN ('running', 'done', 'rejected', 'failed')",
                           name=op.f("ck_sync_run_status")),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"],
                                name=op.f("fk_sync_run_delivery_id_delivery")),
        sa.ForeignKeyConstraint(["source_code"], ["source.code"],
                                name=op.f("fk_sync_run_source_code_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_run")),
    )
    op.create_index(op.f("ix_sync_run_delivery_id"), "sync_run", ["delivery_id"])
    op.create_index("ix_sync_run_source_started", "sync_run", ["source_code", "started_at"])
    op.create_table(
        "source_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_code", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("values_hash", sa.String(length=32), nullable=False),
        sa.Column("raw_hash", sa.String(length=32), nullable=True),
        sa.Column("created_delivery_id", sa.Integer(), nullable=True),
        sa.Column("updated_delivery_id", sa.Integer(), nullable=True),
        sa.Column("missing_since", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["created_delivery_id"], ["delivery.id"],
                                name=op.f("fk_source_record_created_delivery_id_delivery")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_source_record_person_id_person"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_code"], ["source.code"],
                                name=op.f("fk_source_record_source_code_source")),
        sa.ForeignKeyConstraint(["updated_delivery_id"], ["delivery.id"],
                                name=op.f("fk_source_record_updated_delivery_id_delivery")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_record")),
        sa.UniqueConstraint("source_code", "key", name=op.f("uq_source_record_source_code_key")),
    )
    op.create_index(op.f("ix_source_record_person_id"), "source_record", ["person_id"])
    op.create_index("ix_source_record_missing", "source_record", ["source_code", "missing_since"])
    op.create_table(
        "source_household",
        sa.Column("source_code", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"],
                                name=op.f("fk_source_household_household_id_household"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_code"], ["source.code"],
                                name=op.f("fk_source_household_source_code_source")),
        sa.PrimaryKeyConstraint("source_code", "key", name=op.f("pk_source_household")),
    )
    op.create_index(op.f("ix_source_household_household_id"), "source_household", ["household_id"])
    op.create_table(
        "field_provenance",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("source_code", sa.String(length=10), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"],
                                name=op.f("fk_field_provenance_delivery_id_delivery")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_field_provenance_person_id_person"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_code"], ["source.code"],
                                name=op.f("fk_field_provenance_source_code_source")),
        sa.PrimaryKeyConstraint("person_id", "field", name=op.f("pk_field_provenance")),
    )
    op.create_table(
        "rejected_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_code", sa.String(length=10), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'resolved', 'dismissed')",
                           name=op.f("ck_rejected_record_status")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_rejected_record_person_id_person"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["user.id"],
                                name=op.f("fk_rejected_record_resolved_by_id_user")),
        sa.ForeignKeyConstraint(["run_id"], ["sync_run.id"], name=op.f("fk_rejected_record_run_id_sync_run"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["source_code"], ["source.code"],
                                name=op.f("fk_rejected_record_source_code_source")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejected_record")),
    )
    op.create_index("ix_rejected_record_run_line", "rejected_record", ["run_id", "line"])
    op.create_index("ix_rejected_record_status", "rejected_record", ["status"])
    op.bulk_insert(source, SOURCES)


def downgrade():
    op.drop_index("ix_rejected_record_status", table_name="rejected_record")
    op.drop_index("ix_rejected_record_run_line", table_name="rejected_record")
    op.drop_table("rejected_record")
    op.drop_table("field_provenance")
    op.drop_index(op.f("ix_source_household_household_id"), table_name="source_household")
    op.drop_table("source_household")
    op.drop_index("ix_source_record_missing", table_name="source_record")
    op.drop_index(op.f("ix_source_record_person_id"), table_name="source_record")
    op.drop_table("source_record")
    op.drop_index("ix_sync_run_source_started", table_name="sync_run")
    op.drop_index(op.f("ix_sync_run_delivery_id"), table_name="sync_run")
    op.drop_table("sync_run")
    op.drop_index("ix_delivery_source_checksum", table_name="delivery")
    op.drop_table("delivery")
    op.drop_table("source")
