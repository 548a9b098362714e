"""core: one change counter per plugin (the snapshots of plugin data follow it)

Revision ID: core_0009
Revises: core_0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0009"
down_revision = "core_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_plugin_state",
        sa.Column("plugin", sa.String(60), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("core_plugin_state")
