"""The table helpers build exactly the tables a plugin author would write by hand: the same
DDL on both engines, the same Python-side defaults, and no difference Alembic can find
between a database created from the built table and the hand-written one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import CreateIndex, CreateTable

from core import (
    SourceKey,
    address_columns,
    id_column,
    import_log_table,
    natural_key_columns,
    point_columns,
    record_table,
    timestamp_columns,
    utcnow,
)


def built(metadata: MetaData) -> list[Table]:
    places = record_table(
        "x_places",
        metadata,
        SourceKey("source_id", length=255, constraint="uq_x_places_source"),
        Column("name", String(300), nullable=False),
        *address_columns(postcode_length=10),
        *point_columns(required=True),
        Column("notes", Text, nullable=False),
        Index("ix_x_places_lat_lon", "lat", "lon"),
    )
    courses = record_table(
        "x_courses",
        metadata,
        SourceKey("external_id", source_length=50, required=False),
        Column("title", String(300), nullable=False),
    )
    stops = Table(
        "x_stops",
        metadata,
        *natural_key_columns("stop_id"),
        Column("place_name", String(200), nullable=False, default=""),
        *address_columns(default=""),
        *point_columns(required=False),
        *timestamp_columns(),
    )
    columns = ("file_name", "format", "source", "sha256", "imported_at", "created", "report")
    imports = import_log_table("x_imports", metadata, columns)
    plain_log = import_log_table("x_plain_imports", metadata, source_length=50)
    return [places, courses, stops, imports, plain_log]


def by_hand(metadata: MetaData) -> list[Table]:
    places = Table(
        "x_places",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("source", String(100), nullable=False),
        Column("source_id", String(255), nullable=False),
        Column("name", String(300), nullable=False),
        Column("street", String(200), nullable=False),
        Column("postcode", String(10), nullable=False),
        Column("town", String(100), nullable=False),
        Column("lat", Float, nullable=False),
        Column("lon", Float, nullable=False),
        Column("notes", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("source", "source_id", name="uq_x_places_source"),
    )
    Index("ix_x_places_lat_lon", places.c.lat, places.c.lon)
    courses = Table(
        "x_courses",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("source", String(50), nullable=False),
        Column("external_id", String(200)),
        Column("title", String(300), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("source", "external_id", name="uq_x_courses_source_external_id"),
    )
    stops = Table(
        "x_stops",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("stop_id", String(255), nullable=False, unique=True),
        Column("place_name", String(200), nullable=False, default=""),
        Column("street", String(200), nullable=False, default=""),
        Column("postcode", String(5), nullable=False, default=""),
        Column("town", String(100), nullable=False, default=""),
        Column("lat", Float),
        Column("lon", Float),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    imports = Table(
        "x_imports",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("file_name", String(500), nullable=False),
        Column("format", String(20), nullable=False),
        Column("source", String(100), nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("imported_at", DateTime(timezone=True), nullable=False),
        Column("created", Integer, nullable=False),
        Column("report", JSON, nullable=False),
    )
    plain_log = Table(
        "x_plain_imports",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("source", String(50), nullable=False),
        Column("file_name", String(500), nullable=False),
        Column("format", String(20), nullable=False),
        Column("imported_at", DateTime(timezone=True), nullable=False),
        Column("report", JSON, nullable=False),
    )
    return [places, courses, stops, imports, plain_log]


def _ddl(table: Table) -> list[str]:
    out = []
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        out.append(str(CreateTable(table).compile(dialect=dialect)))
        indexes = sorted(table.indexes, key=lambda index: str(index.name))
        out += [str(CreateIndex(index).compile(dialect=dialect)) for index in indexes]
    return out


def _python_side(table: Table) -> list[tuple[object, ...]]:
    # what the DDL does not show: the values an insert writes for left-out columns
    return [(c.name, c.default.arg if c.default else None, c.unique, c.index) for c in table.c]


@pytest.mark.parametrize("index", range(5))
def test_built_table_is_the_hand_written_one(index: int) -> None:
    made, written = built(MetaData())[index], by_hand(MetaData())[index]
    assert _ddl(made) == _ddl(written)
    assert _python_side(made) == _python_side(written)
    names = {(type(c).__name__, c.name) for c in made.constraints}
    assert names == {(type(c).__name__, c.name) for c in written.constraints}


@pytest.fixture
def engine(new_database: object) -> Iterator[Engine]:
    made = create_engine(new_database())  # type: ignore[operator]
    yield made
    made.dispose()


def test_database_from_built_tables_matches_the_hand_written_ones(engine: Engine) -> None:
    made = MetaData()
    built(made)
    with engine.begin() as connection:
        made.create_all(connection)
        options = {"compare_type": True, "compare_server_default": True}
        context = MigrationContext.configure(connection, opts=options)
        written = MetaData()
        by_hand(written)
        assert compare_metadata(context, written) == []


def test_record_table_keeps_one_row_per_source_and_key(engine: Engine) -> None:
    metadata = MetaData()
    places = built(metadata)[0]
    metadata.create_all(engine)
    now = utcnow()
    row = {"source": "kreis", "source_id": "7", "name": "Kita Sonnenschein", "notes": ""}
    row |= {"street": "", "postcode": "", "town": "Dorsten", "lat": 51.66, "lon": 6.96}
    row |= {"created_at": now, "updated_at": now}
    with engine.begin() as connection:
        connection.execute(insert(places), [row, {**row, "source": "stadt"}])
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(places), {**row, "name": "Zweimal"})
    with engine.connect() as connection:
        assert connection.execute(select(places.c.source).order_by(places.c.id)).all() == [
            ("kreis",),
            ("stadt",),
        ]


def test_helpers_make_new_columns_for_every_table() -> None:
    # a Column belongs to one table: a helper that handed out the same object twice would
    # fail on the second table
    first, second = id_column(), id_column()
    assert first is not second
    assert [c.name for c in address_columns()] == ["street", "postcode", "town"]
    assert [c.nullable for c in point_columns(required=False)] == [True, True]


def test_an_import_log_without_a_kept_column_is_refused() -> None:
    with pytest.raises(ValueError, match="x_imports lacks the column.s. file_name, report"):
        import_log_table("x_imports", MetaData(), ("source", "format", "imported_at"))
