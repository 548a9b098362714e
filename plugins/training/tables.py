"""The plugin's tables (``training_*``), created by the migration in ``migrations/``.

``training_courses`` holds every course ever imported or entered, past ones included;
``(source, external_id)`` identifies a course of an import source, so importing a file again
updates its courses instead of adding them twice. Every write raises the plugin's change
counter (core's ``core_plugin_state``), so each process's course index follows the database.
"""

from __future__ import annotations

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint

__all__ = ["courses", "imports", "metadata"]

metadata = MetaData()

courses = Table(
    "training_courses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(50), nullable=False),
    Column("external_id", String(200)),
    Column("title", String(300), nullable=False),
    Column("description", Text, nullable=False),
    Column("provider", String(200), nullable=False),
    Column("provider_type", String(20), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("professions", JSON, nullable=False),
    Column("format", String(20), nullable=False),
    Column("start_date", Date),
    Column("end_date", Date),
    Column("on_demand", Boolean, nullable=False),
    Column("duration", String(200), nullable=False),
    Column("hours", Float),
    Column("cost_eur", Float),
    Column("cost_note", String(500), nullable=False),
    Column("funding", JSON, nullable=False),
    Column("street", String(200), nullable=False),
    Column("postcode", String(5), nullable=False),
    Column("town", String(100), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("link", String(500), nullable=False),
    Column("is_demo", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source", "external_id", name="uq_training_courses_source_external_id"),
)

imports = Table(
    "training_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file_name", String(500), nullable=False),
    Column("format", String(20), nullable=False),
    Column("source", String(50), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("created", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("report", JSON, nullable=False),
)

Index("ix_training_courses_end_date", courses.c.end_date)
