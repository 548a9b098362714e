"""core: login lockout (failed attempts and back-off)

Revision ID: core_0005
Revises: core_0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0005"
down_revision = "core_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_login_failures",
        sa.Column("name_hash", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_core_login_failures_last_failure_at", "core_login_failures", ["last_failure_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_core_login_failures_last_failure_at", table_name="core_login_failures")
    op.drop_table("core_login_failures")
