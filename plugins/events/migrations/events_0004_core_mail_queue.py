"""events: the mails move to core's mail queue; the events outbox goes

Revision ID: events_0004
Revises: events_0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "events_0004"
down_revision = "events_0003"
branch_labels = None
depends_on = "core_0010"

#: Columns both tables share, in the same order.
_SHARED = "sender, recipient, subject, body, created_at, sent_at, attempts, last_error"


def upgrade() -> None:
    # Waiting mails keep their attempts and last error, so the next delivery picks them up;
    # delivered ones move too, so the purge after the event still deletes them with the
    # registration they are about (ref "registration:<id>").
    op.execute(
        f"INSERT INTO core_mail_queue (plugin, ref, {_SHARED}) "
        "SELECT 'events', CASE WHEN registration_id IS NULL THEN '' "
        "ELSE 'registration:' || CAST(registration_id AS VARCHAR(20)) END, "
        f"{_SHARED} FROM events_outbox ORDER BY id"
    )
    op.drop_table("events_outbox")


def downgrade() -> None:
    op.create_table(
        "events_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "registration_id",
            sa.Integer(),
            sa.ForeignKey("events_registrations.id", ondelete="CASCADE"),
        ),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
    )
    op.create_index("ix_events_outbox_registration_id", "events_outbox", ["registration_id"])
    op.create_index("ix_events_outbox_pending", "events_outbox", ["sent_at", "id"])
    # a mail about a registration deleted meanwhile keeps no dangling reference
    op.execute(
        f"INSERT INTO events_outbox (registration_id, {_SHARED}) "
        "SELECT r.id, "
        f"{', '.join('q.' + c.strip() for c in _SHARED.split(','))} "
        "FROM core_mail_queue q LEFT JOIN events_registrations r "
        "ON q.ref = 'registration:' || CAST(r.id AS VARCHAR(20)) "
        "WHERE q.plugin = 'events' ORDER BY q.id"
    )
    op.execute("DELETE FROM core_mail_queue WHERE plugin = 'events'")
