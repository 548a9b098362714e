"""core: privacy-friendly usage counts for the statistics dashboard

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-11-29
"""

revision = "core_0003"
down_revision = "core_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
