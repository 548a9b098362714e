"""The columns plugin tables have in common, the table of records imported from data sets and
the table that logs a plugin's file imports.

Each helper makes new ``Column`` objects (a column belongs to one table) with the names, types,
lengths and nullability the in-tree plugins' migrations create, so a table built with them still
matches its migration. Column lists go into a ``Table(...)`` with ``*``:

    Table("x_stops", metadata, *natural_key_columns("stop_id"), *point_columns(required=True))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import frozen
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.schema import SchemaItem

__all__ = [
    "IMPORT_LOG_COLUMNS",
    "SourceKey",
    "address_columns",
    "id_column",
    "import_log_table",
    "natural_key_columns",
    "point_columns",
    "record_table",
    "timestamp_columns",
]


def id_column() -> Column[int]:
    """The integer primary key ``id`` (auto-incrementing on both engines)."""
    return Column("id", Integer, primary_key=True)


def natural_key_columns(name: str, length: int = 255) -> list[Column[Any]]:
    """``id`` and ``name``, the record's own unique text id (a GTFS ``stop_id``, an iCalendar
    UID, a slug in URLs), NOT NULL: rows refer to each other by the small integer, people and
    files find a record by the text."""
    return [id_column(), Column(name, String(length), nullable=False, unique=True)]


def address_columns(*, postcode_length: int = 5, default: str | None = None) -> list[Column[str]]:
    """``street``, ``postcode`` and ``town`` of a postal address, all NOT NULL (an unknown part
    is stored as ""); ``default`` is what an insert that leaves them out writes (None: such an
    insert fails)."""
    return [
        Column("street", String(200), nullable=False, default=default),
        Column("postcode", String(postcode_length), nullable=False, default=default),
        Column("town", String(100), nullable=False, default=default),
    ]


def point_columns(*, required: bool) -> list[Column[float]]:
    """``lat`` and ``lon`` (WGS 84 degrees), NULL for a record not placed yet unless
    ``required``. Layers answer bounding boxes faster with an ``Index(..., lat, lon)``."""
    return [Column(name, Float, nullable=not required) for name in ("lat", "lon")]


def timestamp_columns() -> list[Column[Any]]:
    """``created_at`` and ``updated_at``, NOT NULL aware UTC times (write ``utcnow()``; read
    them through ``as_utc``: SQLite hands them back naive)."""
    return [Column(name, DateTime(timezone=True), nullable=False) for name in _TIMESTAMPS]


_TIMESTAMPS = ("created_at", "updated_at")


@frozen
class SourceKey:
    """How a ``record_table`` finds its records again when a data set is imported once more:
    by ``source`` (the data set's name, up to ``source_length`` characters) and ``column``
    (the record's id in that data set, NOT NULL unless ``required=False`` lets records entered
    by hand go without one). The pair is unique; ``constraint`` names that constraint
    (default ``uq_<table>_source_<column>``)."""

    column: str
    length: int = 200
    source_length: int = 100
    required: bool = True
    constraint: str | None = None

    def columns(self) -> list[Column[str]]:
        """The ``source`` column and the key column."""
        return [
            Column("source", String(self.source_length), nullable=False),
            Column(self.column, String(self.length), nullable=not self.required),
        ]

    def unique(self, table: str) -> UniqueConstraint:
        """The constraint that keeps (source, key) unique in ``table``."""
        name = self.constraint or f"uq_{table}_source_{self.column}"
        return UniqueConstraint("source", self.column, name=name)


def record_table(name: str, metadata: MetaData, key: SourceKey, *items: SchemaItem) -> Table:
    """The table ``name`` of records imported from data sets: ``id``, ``key``'s ``source`` and
    key columns, the plugin's ``items`` (columns, constraints, indexes), then ``created_at``
    and ``updated_at`` (``timestamp_columns``) and the unique constraint over the key."""
    return Table(
        name,
        metadata,
        id_column(),
        *key.columns(),
        *items,
        *timestamp_columns(),
        key.unique(name),
    )


#: what every import log keeps, in the order a new plugin's log has them
IMPORT_LOG_COLUMNS = ("source", "file_name", "format", "imported_at", "report")


def import_log_table(
    name: str,
    metadata: MetaData,
    columns: Sequence[str] = IMPORT_LOG_COLUMNS,
    *,
    source_length: int = 100,
) -> Table:
    """The table ``name`` that logs each file import of a plugin: ``id``, then ``columns`` in
    their order (the order of the plugin's migration), all NOT NULL: ``source`` (the data set
    the file fed), ``file_name``, ``format``, ``imported_at`` and the ``report`` (JSON), which
    every log keeps, optionally the file's ``sha256``; any other name is an integer count of
    the file's records (``created``, ``updated``, ...)."""
    missing = [column for column in IMPORT_LOG_COLUMNS if column not in columns]
    if missing:
        raise ValueError(
            f"The import log {name} lacks the column(s) {', '.join(missing)}: every import log "
            f"keeps {', '.join(IMPORT_LOG_COLUMNS)}."
        )
    types: dict[str, Any] = {
        "source": String(source_length),
        "file_name": String(500),
        "format": String(20),
        "sha256": String(64),
        "imported_at": DateTime(timezone=True),
        "report": JSON,
    }
    logged = [Column(column, types.get(column, Integer), nullable=False) for column in columns]
    return Table(name, metadata, id_column(), *logged)
