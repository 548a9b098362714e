"""sloppy: one table (the test plugin of tests/plugin_kit/test_testing_kit.py)

Revision ID: sloppy_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "sloppy_0001"
down_revision = None
branch_labels = ("sloppy",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table("sloppy_things", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("sloppy_things")
