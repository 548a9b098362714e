"""events: the change counter moves to core's table of plugin counters

Revision ID: events_0003
Revises: events_0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "events_0003"
down_revision = "events_0002"
branch_labels = None
depends_on = "core_0009"


def upgrade() -> None:
    # the counter carries over: no process takes a fresh counter for the one it loaded
    op.execute(
        "INSERT INTO core_plugin_state (plugin, version) "
        "SELECT 'events', generation FROM events_state WHERE id = 1"
    )
    op.drop_table("events_state")


def downgrade() -> None:
    op.create_table(
        "events_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("generation", sa.Integer(), nullable=False),
    )
    op.execute(
        "INSERT INTO events_state (id, generation) "
        "SELECT 1, version FROM core_plugin_state WHERE plugin = 'events'"
    )
    op.execute("DELETE FROM core_plugin_state WHERE plugin = 'events'")
