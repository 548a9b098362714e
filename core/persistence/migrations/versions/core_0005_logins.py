"""core: login lockout (failed attempts and back-off)

Revision ID: core_0005
Revises: core_0004
Create Date: 2026-11-29
"""

revision = "core_0005"
down_revision = "core_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
