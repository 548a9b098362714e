"""events: co-organiser invitations (an organisation organises only after accepting)

Co-organisers that an organisation named on its own (events last saved by an organisation,
``source = 'organisation:<slug>'``) never agreed to it: they become pending invitations from
that organisation, so each can accept or decline. Organisers the operator named stay.

Revision ID: events_0002
Revises: events_0001
Create Date: 2026-12-07
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "events_0002"
down_revision = "events_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events_invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("events_events.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey("events_organisations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "invited_by",
            sa.Integer(),
            sa.ForeignKey("events_organisations.id", ondelete="SET NULL"),
        ),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("event_id", "organisation_id", name="uq_events_invitations_event_org"),
    )
    op.create_index("ix_events_invitations_event_id", "events_invitations", ["event_id"])
    op.create_index(
        "ix_events_invitations_organisation_id", "events_invitations", ["organisation_id"]
    )
    # co-organisers named by an organisation (not by the operator) become its invitations
    unasked = sa.text(
        "SELECT o.event_id, o.organisation_id, src.id AS invited_by "
        "FROM events_organisers o "
        "JOIN events_events e ON e.id = o.event_id "
        "JOIN events_organisations src ON e.source = 'organisation:' || src.slug "
        "WHERE o.organisation_id <> src.id"
    )
    connection = op.get_bind()
    rows = connection.execute(unasked).all()
    now = dt.datetime.now(dt.UTC)
    for row in rows:
        connection.execute(
            sa.text(
                "INSERT INTO events_invitations "
                "(event_id, organisation_id, invited_by, status, created_at) "
                "VALUES (:event, :organisation, :by, 'pending', :now)"
            ),
            {
                "event": row.event_id,
                "organisation": row.organisation_id,
                "by": row.invited_by,
                "now": now,
            },
        )
        connection.execute(
            sa.text(
                "DELETE FROM events_organisers "
                "WHERE event_id = :event AND organisation_id = :organisation"
            ),
            {"event": row.event_id, "organisation": row.organisation_id},
        )
    if rows:
        # every process reloads its calendar snapshot
        connection.execute(sa.text("UPDATE events_state SET generation = generation + 1"))


def downgrade() -> None:
    op.drop_table("events_invitations")
