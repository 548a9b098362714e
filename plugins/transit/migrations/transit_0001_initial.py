"""transit: GTFS feed, stops, routes, services, trips, stop times, frequencies, transfers

Revision ID: transit_0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "transit_0001"
down_revision = None
branch_labels = ("transit",)
depends_on = "core_0001"


def upgrade() -> None:
    op.create_table(
        "transit_feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("start_date", sa.Integer()),
        sa.Column("end_date", sa.Integer()),
        sa.Column("agencies", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
    )
    op.create_table(
        "transit_stops",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stop_id", sa.String(255), nullable=False, unique=True),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("location_type", sa.SmallInteger(), nullable=False),
        sa.Column("parent_station", sa.String(255), nullable=False),
    )
    op.create_index("ix_transit_stops_lat_lon", "transit_stops", ["lat", "lon"])
    op.create_table(
        "transit_routes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("route_id", sa.String(255), nullable=False, unique=True),
        sa.Column("agency_id", sa.String(255), nullable=False),
        sa.Column("short_name", sa.String(100), nullable=False),
        sa.Column("long_name", sa.String(500), nullable=False),
        sa.Column("route_type", sa.Integer(), nullable=False),
        sa.Column("color", sa.String(6), nullable=False),
        sa.Column("text_color", sa.String(6), nullable=False),
    )
    op.create_table(
        "transit_services",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("service_id", sa.String(255), nullable=False, unique=True),
        sa.Column("weekdays", sa.SmallInteger(), nullable=False),
        sa.Column("start_date", sa.Integer()),
        sa.Column("end_date", sa.Integer()),
    )
    op.create_table(
        "transit_service_dates",
        sa.Column("service", sa.Integer(), primary_key=True),
        sa.Column("date", sa.Integer(), primary_key=True),
        sa.Column("exception_type", sa.SmallInteger(), nullable=False),
    )
    op.create_table(
        "transit_trips",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("trip_id", sa.String(255), nullable=False, unique=True),
        sa.Column("route", sa.Integer(), nullable=False),
        sa.Column("service", sa.Integer(), nullable=False),
        sa.Column("headsign", sa.String(500), nullable=False),
        sa.Column("direction_id", sa.SmallInteger()),
        sa.Column("first_departure", sa.Integer()),
        sa.Column("last_arrival", sa.Integer()),
    )
    op.create_index("ix_transit_trips_route", "transit_trips", ["route"])
    op.create_index("ix_transit_trips_service", "transit_trips", ["service"])
    op.create_table(
        "transit_stop_times",
        sa.Column("trip", sa.Integer(), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("stop", sa.Integer(), nullable=False),
        sa.Column("arrival", sa.Integer()),
        sa.Column("departure", sa.Integer()),
        sa.Column("pickup_type", sa.SmallInteger(), nullable=False),
        sa.Column("drop_off_type", sa.SmallInteger(), nullable=False),
    )
    op.create_table(
        "transit_frequencies",
        sa.Column("trip", sa.Integer(), primary_key=True),
        sa.Column("start_time", sa.Integer(), primary_key=True),
        sa.Column("end_time", sa.Integer(), nullable=False),
        sa.Column("headway_secs", sa.Integer(), nullable=False),
        sa.Column("exact_times", sa.SmallInteger(), nullable=False),
    )
    op.create_table(
        "transit_transfers",
        sa.Column("from_stop", sa.Integer(), primary_key=True),
        sa.Column("to_stop", sa.Integer(), primary_key=True),
        sa.Column("transfer_type", sa.SmallInteger(), nullable=False),
        sa.Column("min_transfer_time", sa.Integer()),
    )


def downgrade() -> None:
    for table in (
        "transit_transfers",
        "transit_frequencies",
        "transit_stop_times",
        "transit_trips",
        "transit_service_dates",
        "transit_services",
        "transit_routes",
        "transit_stops",
        "transit_feeds",
    ):
        op.drop_table(table)
