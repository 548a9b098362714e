"""The plugin's tables (``transit_*``): one imported GTFS feed, with compact integer keys.

GTFS identifiers (``stop_id``, ``trip_id``, ...) are kept as text columns, but rows refer to
each other by small integer ids, so the millions of stop times stay small. Times are seconds
after midnight of the service day (they can exceed 24 h), NULL where the feed leaves them out.
Dates are integers ``YYYYMMDD``. The schema is created by the migration in ``migrations/``.
"""

from __future__ import annotations

from core import id_column
from core import natural_key_columns
from core import point_columns
from sqlalchemy import JSON
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import SmallInteger
from sqlalchemy import String
from sqlalchemy import Table

__all__ = [
    "feeds",
    "frequencies",
    "metadata",
    "routes",
    "service_dates",
    "services",
    "stop_times",
    "stops",
    "transfers",
    "trips",
]

metadata = MetaData()

feeds = Table(
    "transit_feeds",
    metadata,
    id_column(),
    Column("file_name", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("start_date", Integer),
    Column("end_date", Integer),
    Column("agencies", JSON, nullable=False),
    Column("report", JSON, nullable=False),
)

stops = Table(
    "transit_stops",
    metadata,
    *natural_key_columns("stop_id"),
    Column("code", String(100), nullable=False),
    Column("name", String(500), nullable=False),
    *point_columns(required=True),
    Column("location_type", SmallInteger, nullable=False),
    Column("parent_station", String(255), nullable=False),
)

routes = Table(
    "transit_routes",
    metadata,
    *natural_key_columns("route_id"),
    Column("agency_id", String(255), nullable=False),
    Column("short_name", String(100), nullable=False),
    Column("long_name", String(500), nullable=False),
    Column("route_type", Integer, nullable=False),
    Column("color", String(6), nullable=False),
    Column("text_color", String(6), nullable=False),
)

services = Table(
    "transit_services",
    metadata,
    *natural_key_columns("service_id"),
    # bit 0 = Monday ... bit 6 = Sunday (calendar.txt); 0 when only calendar_dates defines it
    Column("weekdays", SmallInteger, nullable=False),
    Column("start_date", Integer),
    Column("end_date", Integer),
)

service_dates = Table(
    "transit_service_dates",
    metadata,
    Column("service", Integer, primary_key=True),
    Column("date", Integer, primary_key=True),
    # 1: service added on this date, 2: service removed (calendar_dates.txt)
    Column("exception_type", SmallInteger, nullable=False),
)

trips = Table(
    "transit_trips",
    metadata,
    *natural_key_columns("trip_id"),
    Column("route", Integer, nullable=False, index=True),
    Column("service", Integer, nullable=False, index=True),
    Column("headsign", String(500), nullable=False),
    Column("direction_id", SmallInteger),
    # first departure and last arrival (seconds), filled after the stop times are in
    Column("first_departure", Integer),
    Column("last_arrival", Integer),
)

stop_times = Table(
    "transit_stop_times",
    metadata,
    Column("trip", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("stop", Integer, nullable=False),
    Column("arrival", Integer),
    Column("departure", Integer),
    Column("pickup_type", SmallInteger, nullable=False),
    Column("drop_off_type", SmallInteger, nullable=False),
)

frequencies = Table(
    "transit_frequencies",
    metadata,
    Column("trip", Integer, primary_key=True),
    Column("start_time", Integer, primary_key=True),
    Column("end_time", Integer, nullable=False),
    Column("headway_secs", Integer, nullable=False),
    Column("exact_times", SmallInteger, nullable=False),
)

transfers = Table(
    "transit_transfers",
    metadata,
    Column("from_stop", Integer, primary_key=True),
    Column("to_stop", Integer, primary_key=True),
    Column("transfer_type", SmallInteger, nullable=False),
    Column("min_transfer_time", Integer),
)

# the stops layer answers bounding boxes from this index instead of scanning the table
Index("ix_transit_stops_lat_lon", stops.c.lat, stops.c.lon)
