"""events: organisations, events, organisers, registrations, mail outbox, state

Revision ID: events_0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "events_0001"
down_revision = None
branch_labels = ("events",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "events_organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(120), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("place_name", sa.String(200), nullable=False),
        sa.Column("street", sa.String(200), nullable=False),
        sa.Column("postcode", sa.String(5), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("ags", sa.String(8), nullable=False),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("phone", sa.String(50), nullable=False),
        sa.Column("website", sa.String(500), nullable=False),
        sa.Column("company_id", sa.Integer()),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("show_on_map", sa.Boolean(), nullable=False),
        sa.Column("token_hash", sa.String(64), unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_events_organisations_company_id", "events_organisations", ["company_id"])
    op.create_table(
        "events_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.String(255), nullable=False, unique=True),
        sa.Column("slug", sa.String(80), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("audiences", sa.JSON(), nullable=False),
        sa.Column("place_name", sa.String(200), nullable=False),
        sa.Column("street", sa.String(200), nullable=False),
        sa.Column("postcode", sa.String(5), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("ags", sa.String(8), nullable=False),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("online_url", sa.String(500), nullable=False),
        sa.Column("registration", sa.String(20), nullable=False),
        sa.Column("registration_url", sa.String(500), nullable=False),
        sa.Column("capacity", sa.Integer()),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("waiting_list", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "capacity IS NULL OR taken <= capacity", name="ck_events_events_capacity"
        ),
    )
    op.create_index("ix_events_events_starts_at", "events_events", ["starts_at"])
    op.create_index("ix_events_events_ends_at", "events_events", ["ends_at"])
    op.create_table(
        "events_organisers",
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("events_events.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey("events_organisations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_table(
        "events_registrations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey("events_events.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("phone", sa.String(50), nullable=False),
        sa.Column("audience", sa.String(40), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_text", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_events_registrations_event_id", "events_registrations", ["event_id"])
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
    op.create_table(
        "events_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("generation", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "events_state",
        "events_outbox",
        "events_registrations",
        "events_organisers",
        "events_events",
        "events_organisations",
    ):
        op.drop_table(table)
