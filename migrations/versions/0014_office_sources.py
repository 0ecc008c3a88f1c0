"""the other offices deliver: soz, jug, sch and jc sources, their facts tables with history, precedence

The job centre becomes an office (its source is off until CASEAPP_SOURCE_JC_ENABLED=1). Each office's
own facts get a table with one row per change (valid_from / valid_to). A source record keeps the
identity it last delivered (`identity`), so the shown identity can be derived per field by the
precedence of office-deliveries.md. A field's provenance may name a caseworker's manual correction
(with its value) instead of a source. A run may be held for confirmation (too many missing). Persons
known only from other offices have no residence status.
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_office_sources"
down_revision = "0013_name_key"
branch_labels = None
depends_on = None

OLD_STATUSES = "status IN ('running', 'done', 'rejected', 'failed')"
NEW_STATUSES = "status IN ('running', 'done', 'rejected', 'failed', 'held')"


def _history(name: str, *columns) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_record_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        *columns,
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"],
                                name=op.f(f"fk_{name}_delivery_id_delivery")),
        sa.ForeignKeyConstraint(["source_record_id"], ["source_record.id"], ondelete="CASCADE",
                                name=op.f(f"fk_{name}_source_record_id_source_record")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    op.create_index(op.f(f"ix_{name}_source_record_id"), name, ["source_record_id"])


def _stats_functions(residence_status_sql) -> list[str]:
    """0005's cube functions with the residence status keyed through `residence_status_sql` (a person
    known only from other offices has none, and the cube's status column is NOT NULL)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("stats_0005", Path(__file__).with_name("0005_stats.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = []
    for sql in (module.FUNCTION, module.REBASE):
        sql = sql.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
        for t in ("t", "p"):
            sql = sql.replace(f"{t}.residence_status", residence_status_sql(t))
        out.append(sql)
    return out


def upgrade():
    # 0001 seeds the offices of caseapp.offices.models, which now names jc: only where it is missing.
    op.execute("INSERT INTO office (code, name) SELECT 'jc', 'Jobcenter' WHERE NOT EXISTS "
               "(SELECT 1 FROM office WHERE code = 'jc')")
    op.execute("INSERT INTO source (code, name, adapter, active) VALUES ('jc', 'Jobcenter (Fachverfahren)', "
               "'jc', "
               + ("true" if op.get_bind().dialect.name == "postgresql" else "1") + ")")
    for code in ("soz", "jug", "sch"):
        op.execute(f"UPDATE source SET adapter = '{code}', active = "
                   + ("true" if op.get_bind().dialect.name == "postgresql" else "1") + " WHERE code = "
                                                                                       f"'{code}'")
    with op.batch_alter_table("person") as batch:
        batch.alter_column("residence_status", existing_type=sa.String(length=12), nullable=True)
    if op.get_bind().dialect.name == "postgresql":
        for sql in _stats_functions(lambda t: f"coalesce({t}.residence_status, '')"):
            op.execute(sql)
    with op.batch_alter_table("source_record") as batch:
        batch.add_column(sa.Column("identity", sa.JSON(), nullable=True))
    with op.batch_alter_table("field_provenance") as batch:
        batch.alter_column("source_code", existing_type=sa.String(length=10), nullable=True)
        batch.add_column(sa.Column("corrected_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("corrected_by_label", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("value", sa.JSON(), nullable=True))
        batch.create_foreign_key(op.f("fk_field_provenance_corrected_by_id_user"), "user",
                                 ["corrected_by_id"], ["id"])
    with op.batch_alter_table("sync_run") as batch:
        batch.drop_constraint(op.f("ck_sync_run_status"), type_="check")
        batch.create_check_constraint(op.f("ck_sync_run_status"), NEW_STATUSES)
        batch.add_column(sa.Column("linked", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("queued", sa.Integer(), server_default="0", nullable=False))
    _history("soz_fact",
             sa.Column("benefit", sa.String(length=10), nullable=False),
             sa.Column("benefit_from", sa.Date(), nullable=True),
             sa.Column("benefit_to", sa.Date(), nullable=True),
             sa.Column("housing", sa.String(length=10), nullable=True))
    _history("jug_fact",
             sa.Column("measure", sa.String(length=10), nullable=False),
             sa.Column("measure_from", sa.Date(), nullable=True),
             sa.Column("measure_to", sa.Date(), nullable=True),
             sa.Column("guardianship", sa.String(length=10), nullable=True),
             sa.Column("kita", sa.String(length=10), nullable=True),
             sa.Column("kita_since", sa.Date(), nullable=True),
             sa.Column("kita_district", sa.String(length=2), nullable=True))
    _history("sch_fact",
             sa.Column("school_number", sa.String(length=6), nullable=False),
             sa.Column("school_type", sa.String(length=3), nullable=False),
             sa.Column("grade", sa.Integer(), nullable=False),
             sa.Column("language_support", sa.String(length=5), nullable=True),
             sa.Column("school_district", sa.String(length=2), nullable=True))
    _history("jc_fact",
             sa.Column("job_status", sa.String(length=20), nullable=False),
             sa.Column("course", sa.String(length=14), nullable=True),
             sa.Column("language_level", sa.String(length=2), nullable=True))


def downgrade():
    for name in ("jc_fact", "sch_fact", "jug_fact", "soz_fact"):
        op.drop_table(name)
    with op.batch_alter_table("sync_run") as batch:
        batch.drop_column("queued")
        batch.drop_column("linked")
        batch.drop_constraint(op.f("ck_sync_run_status"), type_="check")
        batch.create_check_constraint(op.f("ck_sync_run_status"), OLD_STATUSES)
    with op.batch_alter_table("field_provenance") as batch:
        batch.drop_constraint(op.f("fk_field_provenance_corrected_by_id_user"), type_="foreignkey")
        batch.drop_column("value")
        batch.drop_column("corrected_by_label")
        batch.drop_column("corrected_by_id")
        batch.alter_column("source_code", existing_type=sa.String(length=10), nullable=False)
    with op.batch_alter_table("source_record") as batch:
        batch.drop_column("identity")
    if op.get_bind().dialect.name == "postgresql":
        for sql in _stats_functions(lambda t: f"{t}.residence_status"):
            op.execute(sql)
    with op.batch_alter_table("person") as batch:
        batch.alter_column("residence_status", existing_type=sa.String(length=12), nullable=False)
    op.execute("UPDATE source SET adapter = NULL, active = "
               + ("false" if op.get_bind().dialect.name == "postgresql" else "0") + " WHERE code IN ('soz', "
                                                                                    "'jug', 'sch')")
    op.execute("DELETE FROM source WHERE code = 'jc'")
    op.execute("DELETE FROM office WHERE code = 'jc'")
