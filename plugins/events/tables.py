"""The events plugin's tables (``events_*``), as SQLAlchemy Core tables.

Times are stored in UTC (``DateTime(timezone=True)``; SQLite hands them back naive, the
repository makes them aware again). The migration in ``migrations/`` creates the same tables.
"""

from __future__ import annotations

from core import address_columns
from core import id_column
from core import natural_key_columns
from core import point_columns
from core import timestamp_columns
from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint

__all__ = [
    "events",
    "invitations",
    "metadata",
    "organisations",
    "organisers",
    "registrations",
]

metadata = MetaData()

organisations = Table(
    "events_organisations",
    metadata,
    *natural_key_columns("slug", length=120),
    Column("name", String(200), nullable=False),
    Column("type", String(40), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("place_name", String(200), nullable=False, default=""),
    *address_columns(default=""),
    Column("ags", String(8), nullable=False, default=""),
    *point_columns(required=False),
    Column("email", String(320), nullable=False, default=""),
    Column("phone", String(50), nullable=False, default=""),
    Column("website", String(500), nullable=False, default=""),
    # the company profile this organisation is (type company); no foreign key: companies are
    # core's table and may be deleted without asking this plugin
    Column("company_id", Integer, index=True),
    Column("verified", Boolean, nullable=False, default=False),
    Column("show_on_map", Boolean, nullable=False, default=True),
    # sha256 of the organisation's API token (verified organisations create events with it)
    Column("token_hash", String(64), unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

events = Table(
    "events_events",
    metadata,
    *natural_key_columns("uid"),
    Column("slug", String(80), nullable=False),
    Column("title", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("starts_at", DateTime(timezone=True), nullable=False, index=True),
    Column("ends_at", DateTime(timezone=True), nullable=False, index=True),
    Column("timezone", String(64), nullable=False),
    Column("audiences", JSON, nullable=False),
    Column("place_name", String(200), nullable=False, default=""),
    *address_columns(default=""),
    Column("ags", String(8), nullable=False, default=""),
    *point_columns(required=False),
    Column("online_url", String(500), nullable=False, default=""),
    Column("registration", String(20), nullable=False, default="none"),
    Column("registration_url", String(500), nullable=False, default=""),
    # seats for portal registration (NULL: unlimited) and seats taken: registrations change
    # ``taken`` with one conditional UPDATE, so the capacity holds under concurrency
    Column("capacity", Integer),
    Column("taken", Integer, nullable=False, default=0),
    Column("waiting_list", Boolean, nullable=False, default=True),
    Column("status", String(20), nullable=False, default="scheduled"),
    Column("source", String(200), nullable=False, default="api"),
    *timestamp_columns(),
    CheckConstraint("capacity IS NULL OR taken <= capacity", name="ck_events_events_capacity"),
)

organisers = Table(
    "events_organisers",
    metadata,
    Column(
        "event_id", Integer, ForeignKey("events_events.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "organisation_id",
        Integer,
        ForeignKey("events_organisations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("position", Integer, nullable=False, default=0),
)

# An organisation named as co-organiser by another organisation organises the event only once
# it accepted: until then the invitation sits here and grants nothing (``events_organisers``
# holds the organisers that agreed, or that the operator named).
invitations = Table(
    "events_invitations",
    metadata,
    id_column(),
    Column(
        "event_id",
        Integer,
        ForeignKey("events_events.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column(
        "organisation_id",
        Integer,
        ForeignKey("events_organisations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    # the organiser who invited (NULL: the operator, or an organisation deleted since)
    Column("invited_by", Integer, ForeignKey("events_organisations.id", ondelete="SET NULL")),
    # pending or declined (a declined invitation is not repeated by an organiser's next PUT)
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True)),
    UniqueConstraint("event_id", "organisation_id", name="uq_events_invitations_event_org"),
)

registrations = Table(
    "events_registrations",
    metadata,
    id_column(),
    Column(
        "event_id",
        Integer,
        ForeignKey("events_events.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    # confirmed, waiting or cancelled
    Column("status", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("phone", String(50), nullable=False, default=""),
    Column("audience", String(40), nullable=False, default=""),
    Column("consent_at", DateTime(timezone=True), nullable=False),
    Column("consent_text", Text, nullable=False),
    # sha256 of the cancellation token mailed to the participant
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("cancelled_at", DateTime(timezone=True)),
)
