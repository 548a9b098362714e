"""core: one mail queue for core and the plugins

Revision ID: core_0010
Revises: core_0009
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0010"
down_revision = "core_0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_mail_queue",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("plugin", sa.String(60), nullable=False),
        sa.Column("ref", sa.String(200), nullable=False),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    op.create_index("ix_core_mail_queue_recipient", "core_mail_queue", ["recipient"])
    op.create_index("ix_core_mail_queue_pending", "core_mail_queue", ["sent_at", "id"])
    op.create_index("ix_core_mail_queue_owner", "core_mail_queue", ["plugin", "ref"])


def downgrade() -> None:
    op.drop_table("core_mail_queue")
