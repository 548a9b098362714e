"""core: search alerts with double opt-in

Revision ID: core_0004
Revises: core_0003
Create Date: 2026-11-29
"""

revision = "core_0004"
down_revision = "core_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
