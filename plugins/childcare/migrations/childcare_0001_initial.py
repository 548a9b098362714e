"""childcare: Kitas, import history, change counter

Revision ID: childcare_0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "childcare_0001"
down_revision = None
branch_labels = ("childcare",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "childcare_kitas",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("source_id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("operator", sa.String(300), nullable=False),
        sa.Column("street", sa.String(200), nullable=False),
        sa.Column("postcode", sa.String(10), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("district", sa.String(100), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("age_groups", sa.JSON(), nullable=False),
        sa.Column("places", sa.Integer()),
        sa.Column("opening_hours", sa.String(500), nullable=False),
        sa.Column("opens", sa.Integer()),
        sa.Column("closes", sa.Integer()),
        sa.Column("concept", sa.Text(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("inclusion", sa.Boolean()),
        sa.Column("lunch", sa.Boolean()),
        sa.Column("phone", sa.String(100), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("website", sa.String(500), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("source", "source_id", name="uq_childcare_kitas_source"),
    )
    op.create_index("ix_childcare_kitas_lat_lon", "childcare_kitas", ["lat", "lon"])
    op.create_table(
        "childcare_imports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("format", sa.String(20), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
    )
    op.create_table(
        "childcare_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("childcare_state")
    op.drop_table("childcare_imports")
    op.drop_index("ix_childcare_kitas_lat_lon", "childcare_kitas")
    op.drop_table("childcare_kitas")
