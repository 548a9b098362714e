"""The plugin's tables (``training_*``), created by the migration in ``migrations/``.

``training_courses`` holds every course ever imported or entered, past ones included;
``(source, external_id)`` identifies a course of an import source, so importing a file again
updates its courses instead of adding them twice. Every write raises the plugin's change
counter (core's ``core_plugin_state``), so each process's course index follows the database.
"""

from __future__ import annotations

from core import SourceKey
from core import address_columns
from core import import_log_table
from core import point_columns
from core import record_table
from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import Float
from sqlalchemy import Index
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Text

__all__ = ["courses", "imports", "metadata"]

metadata = MetaData()

courses = record_table(
    "training_courses",
    metadata,
    SourceKey("external_id", source_length=50, required=False),
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
    *address_columns(),
    *point_columns(required=False),
    Column("link", String(500), nullable=False),
    Column("is_demo", Boolean, nullable=False),
)

imports = import_log_table(
    "training_imports",
    metadata,
    ("file_name", "format", "source", "imported_at", "created", "updated", "report"),
    source_length=50,
)

Index("ix_training_courses_end_date", courses.c.end_date)
