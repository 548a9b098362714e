"""core: privacy-friendly usage counts for the statistics dashboard

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0003"
down_revision = "core_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # one row per day, kind and key: an aggregated counter, nothing about the visitor
    op.create_table(
        "core_usage_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "kind", "key", name="pk_core_usage_counts"),
    )


def downgrade() -> None:
    op.drop_table("core_usage_counts")
