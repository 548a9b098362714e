"""core: login throttling per (user name, address), known addresses, token attempt limits

Revision ID: core_0007
Revises: core_0006
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0007"
down_revision = "core_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_failed_attempts",
        sa.Column("scope", sa.String(40), primary_key=True),
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index(
        "ix_core_failed_attempts_last_failure_at", "core_failed_attempts", ["last_failure_at"]
    )
    op.create_table(
        "core_login_addresses",
        sa.Column(
            "operator_id",
            sa.Integer(),
            sa.ForeignKey("core_operators.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("address_hash", sa.String(64), primary_key=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=False),
    )
    # the per-name counts become the account-wide ceiling: start them again
    op.execute(sa.text("DELETE FROM core_login_failures"))


def downgrade() -> None:
    op.drop_table("core_login_addresses")
    op.drop_index("ix_core_failed_attempts_last_failure_at", table_name="core_failed_attempts")
    op.drop_table("core_failed_attempts")
