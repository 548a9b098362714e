"""training: courses, import reports, change counter

Revision ID: training_0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "training_0001"
down_revision = None
branch_labels = ("training",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "training_courses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(50), nullable=False),
        sa.Column("external_id", sa.String(200)),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("provider", sa.String(200), nullable=False),
        sa.Column("provider_type", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("professions", sa.JSON(), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("start_date", sa.Date()),
        sa.Column("end_date", sa.Date()),
        sa.Column("on_demand", sa.Boolean(), nullable=False),
        sa.Column("duration", sa.String(200), nullable=False),
        sa.Column("hours", sa.Float()),
        sa.Column("cost_eur", sa.Float()),
        sa.Column("cost_note", sa.String(500), nullable=False),
        sa.Column("funding", sa.JSON(), nullable=False),
        sa.Column("street", sa.String(200), nullable=False),
        sa.Column("postcode", sa.String(5), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("link", sa.String(500), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("source", "external_id", name="uq_training_courses_source_external_id"),
    )
    op.create_index("ix_training_courses_end_date", "training_courses", ["end_date"])
    op.create_table(
        "training_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("source", sa.String(50), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
    )
    state = op.create_table(
        "training_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.bulk_insert(state, [{"id": 1, "version": 0}])


def downgrade() -> None:
    for table in ("training_state", "training_imports", "training_courses"):
        op.drop_table(table)
