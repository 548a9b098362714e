"""jobs: positions and the log of imports

Revision ID: jobs_0001
Revises:
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "jobs_0001"
down_revision = None
branch_labels = ("jobs",)
# core's table of plugin change counters (core_plugin_state) comes with core_0009
depends_on = "core_0009"


def upgrade() -> None:
    op.create_table(
        "jobs_positions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("company_id", sa.Integer()),
        sa.Column("employer_name", sa.String(300), nullable=False),
        sa.Column("employer_postcode", sa.String(5), nullable=False),
        sa.Column("employer_town", sa.String(100), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("profession", sa.String(5)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("start_date", sa.Date()),
        sa.Column("published", sa.Date(), nullable=False),
        sa.Column("valid_through", sa.Date()),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("apply_url", sa.String(500), nullable=False),
        sa.Column("apply_email", sa.String(254), nullable=False),
        sa.Column("apply_phone", sa.String(50), nullable=False),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("match", sa.String(20), nullable=False),
        sa.Column("match_candidates", sa.JSON(), nullable=False),
        sa.Column("filled_on", sa.Date()),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("source", "external_id", name="uq_jobs_positions_source_external_id"),
    )
    op.create_index("ix_jobs_positions_company_id", "jobs_positions", ["company_id"])
    op.create_index("ix_jobs_positions_match", "jobs_positions", ["match"])
    op.create_table(
        "jobs_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("jobs_imports")
    op.drop_table("jobs_positions")
