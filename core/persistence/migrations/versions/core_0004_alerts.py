"""core: search alerts with double opt-in

Revision ID: core_0004
Revises: core_0003
Create Date: 2026-11-29
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "core_0004"
down_revision = "core_0003"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> Any:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _subscription() -> Any:
    return sa.Column(
        "subscription_id",
        sa.Integer(),
        sa.ForeignKey("core_alert_subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "core_alert_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("query_hash", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("base_url", sa.String(500), nullable=False),
        sa.Column("seen", sa.LargeBinary(), nullable=False),
        _when("created_at"),
        _when("expires_at", True),
        _when("confirmed_at", True),
        _when("last_run_at", True),
        _when("unsubscribed_at", True),
    )
    op.create_index("ix_core_alert_subscriptions_email", "core_alert_subscriptions", ["email"])
    op.create_index("ix_core_alert_subscriptions_state", "core_alert_subscriptions", ["state"])
    op.create_index(
        "ix_core_alert_subscriptions_email_query",
        "core_alert_subscriptions",
        ["email", "query_hash"],
        unique=True,
    )
    op.create_table(
        "core_alert_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        _subscription(),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _when("created_at"),
        _when("expires_at", True),
        _when("used_at", True),
    )
    op.create_index(
        "ix_core_alert_tokens_subscription_id", "core_alert_tokens", ["subscription_id"]
    )
    op.create_table(
        "core_alert_items",
        sa.Column(
            "subscription_id",
            sa.Integer(),
            sa.ForeignKey("core_alert_subscriptions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("plugin", sa.String(60), primary_key=True),
        sa.Column("item_id", sa.String(200), primary_key=True),
        _when("notified_at"),
    )
    op.create_table(
        "core_alert_mails",
        sa.Column("id", sa.Integer(), primary_key=True),
        _subscription(),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _when("created_at"),
        _when("sent_at", True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    op.create_index("ix_core_alert_mails_subscription_id", "core_alert_mails", ["subscription_id"])
    op.create_index("ix_core_alert_mails_pending", "core_alert_mails", ["sent_at", "id"])


def downgrade() -> None:
    op.drop_table("core_alert_mails")
    op.drop_table("core_alert_items")
    op.drop_table("core_alert_tokens")
    op.drop_table("core_alert_subscriptions")
