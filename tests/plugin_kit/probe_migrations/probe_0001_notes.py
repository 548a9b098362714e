"""probe: notes about companies (the test plugin of tests/plugin_kit/test_hooks.py)

Revision ID: probe_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "probe_0001"
down_revision = None
branch_labels = ("probe",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "probe_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("probe_notes")
