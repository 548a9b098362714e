"""The plugin's tables (``childcare_*``); the schema is created by the migration in
``migrations/``.

A Kita is identified by its source (the data set it came from) and its id there, so a re-import
of the same data set updates its rows instead of adding new ones. Every write raises the
plugin's change counter (core's ``core_plugin_state``): each process reloads its Kitas when it
moves.
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
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Text

__all__ = ["imports", "kitas", "metadata"]

metadata = MetaData()

kitas = record_table(
    "childcare_kitas",
    metadata,
    SourceKey("source_id", length=255, constraint="uq_childcare_kitas_source"),
    Column("name", String(300), nullable=False),
    Column("operator", String(300), nullable=False),
    *address_columns(postcode_length=10),
    Column("district", String(100), nullable=False),
    *point_columns(required=True),
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
)

imports = import_log_table(
    "childcare_imports",
    metadata,
    (
        "source",
        "file_name",
        "format",
        "sha256",
        "imported_at",
        "created",
        "updated",
        "unchanged",
        "removed",
        "rejected",
        "report",
    ),
)

Index("ix_childcare_kitas_lat_lon", kitas.c.lat, kitas.c.lon)
