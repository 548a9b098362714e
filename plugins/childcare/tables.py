"""The plugin's tables (``childcare_*``); the schema is created by the migration in
``migrations/``.

A Kita is identified by its source (the data set it came from) and its id there, so a re-import
of the same data set updates its rows instead of adding new ones. Every write raises the
plugin's change counter (core's ``core_plugin_state``): each process reloads its Kitas when it
moves.
"""

from __future__ import annotations

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint

__all__ = ["imports", "kitas", "metadata"]

metadata = MetaData()

kitas = Table(
    "childcare_kitas",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(100), nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("name", String(300), nullable=False),
    Column("operator", String(300), nullable=False),
    Column("street", String(200), nullable=False),
    Column("postcode", String(10), nullable=False),
    Column("town", String(100), nullable=False),
    Column("district", String(100), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("age_groups", JSON, nullable=False),
    Column("places", Integer),
    Column("opening_hours", String(500), nullable=False),
    # minutes after midnight on working days (latest opening, earliest closing); NULL: unknown
    Column("opens", Integer),
    Column("closes", Integer),
    Column("concept", Text, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("inclusion", Boolean),
    Column("lunch", Boolean),
    Column("phone", String(100), nullable=False),
    Column("email", String(320), nullable=False),
    Column("website", String(500), nullable=False),
    Column("notes", Text, nullable=False),
    Column("extra", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source", "source_id", name="uq_childcare_kitas_source"),
)

imports = Table(
    "childcare_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(100), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("format", String(20), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("created", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("removed", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("report", JSON, nullable=False),
)

Index("ix_childcare_kitas_lat_lon", kitas.c.lat, kitas.c.lon)
