"""core: server-side records of web logins (operators and company editors)

Revision ID: core_0006
Revises: core_0005
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "core_0006"
down_revision = "core_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_web_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column(
            "operator_id",
            sa.Integer(),
            sa.ForeignKey("core_operators.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column(
            "editor_token_id",
            sa.Integer(),
            sa.ForeignKey("core_editor_tokens.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_core_web_sessions_operator_id", "core_web_sessions", ["operator_id"])
    op.create_index(
        "ix_core_web_sessions_editor_token_id", "core_web_sessions", ["editor_token_id"]
    )
    op.create_index("ix_core_web_sessions_expires_at", "core_web_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("core_web_sessions")
