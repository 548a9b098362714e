"""childcare: the change counter moves to core's table of plugin counters

Revision ID: childcare_0002
Revises: childcare_0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "childcare_0002"
down_revision = "childcare_0001"
branch_labels = None
depends_on = "core_0009"


def upgrade() -> None:
    # the counter carries over: no process takes a fresh counter for the one it loaded
    op.execute(
        "INSERT INTO core_plugin_state (plugin, version) "
        "SELECT 'childcare', version FROM childcare_state WHERE id = 1"
    )
    op.drop_table("childcare_state")


def downgrade() -> None:
    op.create_table(
        "childcare_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
    )
    op.execute(
        "INSERT INTO childcare_state (id, version) "
        "SELECT 1, version FROM core_plugin_state WHERE plugin = 'childcare'"
    )
    op.execute("DELETE FROM core_plugin_state WHERE plugin = 'childcare'")
