"""Backups of a region's database as one portable file, and restoring them.

A backup is a zip file::

    manifest.json          format, format version, created, source engine, schema revisions
                           per Alembic branch, enabled plugins, per table: columns, value kinds,
                           row count and the SHA-256 of its data file
    data/<table>.jsonl     one JSON array per row, in the order of the manifest's columns

The data is logical (JSON values; timestamps in UTC ISO 8601, binary data in base64), so a
backup of a SQLite database restores into PostgreSQL and back. Every table in the database is
included (found by reflection, not from a fixed list), so tables that new migrations or plugins
add are covered without a change here.

Consistency: on SQLite the database is first copied with SQLite's online backup API (one step,
one read snapshot) and the copy is read; on PostgreSQL every table is read in one REPEATABLE
READ, read-only transaction. Writers go on meanwhile and are not blocked.

Restoring happens in one transaction: it refuses a database that holds data (unless
``replace``), checks the whole file (checksums, row counts) before it writes, drops the
database's (empty) tables, migrates to the backup's schema revisions, loads the rows, migrates
on to the newest schema, moves PostgreSQL's id sequences past the restored ids and bumps the
search index generation so every running process rebuilds its index. Any error rolls it all
back.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import decimal
import hashlib
import io
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, MetaData, Table, create_engine, func, select, text
from sqlalchemy import types as sqltypes
from sqlalchemy.exc import SQLAlchemyError

from core.errors import ConfigError, Conflict, ValidationError
from core.persistence.migrate import alembic_config

if TYPE_CHECKING:
    from core.platform import Platform

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "BackupError",
    "Manifest",
    "TableDump",
    "create_backup",
    "read_manifest",
    "restore_backup",
]

FORMAT = "regiokarte-backup"
#: Raised when the layout of the file changes; a restore refuses versions it does not know.
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VERSION_TABLE = "alembic_version"
#: Tables that migrations create with one bookkeeping row (counters such as the search index
#: generation): their rows do not make a database "hold data".
BOOKKEEPING_SUFFIX = "_state"
INDEX_STATE = "core_index_state"
BATCH = 1000


class BackupError(ValidationError):
    """A backup file is unreadable, damaged, or was made by an incompatible version."""


@attrs.frozen
class TableDump:
    """One table of a backup: its columns, their value kinds, row count and data checksum."""

    name: str
    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "kinds": list(self.kinds),
            "rows": self.rows,
            "sha256": self.sha256,
        }


@attrs.frozen
class Manifest:
    """What a backup holds, read from (or written to) its ``manifest.json``."""

    created: str
    engine: str
    #: Alembic branch label -> revision the database had reached
    schema: dict[str, str]
    heads: tuple[str, ...]
    #: enabled plugin name -> version
    plugins: dict[str, str]
    tables: dict[str, TableDump]
    format_version: int = FORMAT_VERSION

    @property
    def row_counts(self) -> dict[str, int]:
        return {name: table.rows for name, table in self.tables.items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": self.format_version,
            "created": self.created,
            "engine": self.engine,
            "schema": self.schema,
            "heads": list(self.heads),
            "plugins": self.plugins,
            "tables": {name: table.to_dict() for name, table in self.tables.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Manifest:
        """The manifest in ``data``; BackupError when it is not one this version reads."""
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise BackupError("The file is no regiokarte backup: its manifest is missing.")
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise BackupError(
                f"The backup has format version {version!r}; this regiokarte reads version "
                f"{FORMAT_VERSION}. Restore it with the regiokarte version that made it."
            )
        try:
            tables = {
                str(name): TableDump(
                    name=str(name),
                    columns=tuple(str(c) for c in table["columns"]),
                    kinds=tuple(str(k) for k in table["kinds"]),
                    rows=int(table["rows"]),
                    sha256=str(table["sha256"]),
                )
                for name, table in data["tables"].items()
            }
            return cls(
                created=str(data["created"]),
                engine=str(data["engine"]),
                schema={str(k): str(v) for k, v in data["schema"].items()},
                heads=tuple(str(h) for h in data["heads"]),
                plugins={str(k): str(v) for k, v in data["plugins"].items()},
                tables=tables,
                format_version=int(version),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BackupError(f"The backup's manifest is damaged ({exc!r} is wrong).") from None


# --- values: database types <-> JSON ---------------------------------------------------------


def _kind(column_type: sqltypes.TypeEngine[Any]) -> str:
    """How values of a column are written to JSON (and read back)."""
    if isinstance(column_type, sqltypes.DateTime):
        return "datetime"
    if isinstance(column_type, sqltypes.Date):
        return "date"
    if isinstance(column_type, sqltypes.Time):
        return "time"
    if isinstance(column_type, sqltypes._Binary):
        return "bytes"
    if isinstance(column_type, sqltypes.JSON):
        return "json"
    if isinstance(column_type, sqltypes.Numeric) and not isinstance(column_type, sqltypes.Float):
        return "decimal"
    return "plain"


def _encode(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "datetime" and isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    if kind in ("date", "time") and isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if kind == "bytes" and isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _decoder(kind: str, column_type: sqltypes.TypeEngine[Any]) -> Any:
    """A function that turns a JSON value of ``kind`` into what the target column takes."""
    if kind == "datetime":
        aware = bool(getattr(column_type, "timezone", False))

        def as_datetime(value: str) -> dt.datetime:
            # timestamps are stored in UTC without an offset (SQLite keeps none)
            parsed = dt.datetime.fromisoformat(value)
            return parsed.replace(tzinfo=dt.UTC) if aware else parsed

        return as_datetime
    if kind == "date":
        return dt.date.fromisoformat
    if kind == "time":
        return dt.time.fromisoformat
    if kind == "bytes":
        return base64.b64decode
    if kind == "decimal":
        return decimal.Decimal
    return None


# --- writing a backup ------------------------------------------------------------------------


def _reflect(connection: Connection) -> MetaData:
    metadata = MetaData()
    metadata.reflect(connection)
    return metadata


def _data_tables(metadata: MetaData) -> list[Table]:
    return [t for t in metadata.sorted_tables if t.name != VERSION_TABLE]


def _branches(platform: Platform) -> ScriptDirectory:
    folders = platform.migration_folders()
    return ScriptDirectory.from_config(alembic_config([f for fs in folders.values() for f in fs]))


def _schema_of(script: ScriptDirectory, heads: Sequence[str]) -> dict[str, str]:
    """Branch label -> head revision, for the heads the scripts know."""
    schema: dict[str, str] = {}
    for head in heads:
        try:
            revision = script.get_revision(head)
        except CommandError:
            revision = None
        labels = sorted(revision.branch_labels) if revision is not None else []
        schema[labels[0] if labels else head] = head
    return schema


@contextlib.contextmanager
def _snapshot(platform: Platform) -> Iterator[Connection]:
    """A connection that sees one consistent state of the whole database."""
    engine = platform.db
    if engine.dialect.name != "sqlite":
        with engine.connect() as connection:
            options: dict[str, Any] = {"isolation_level": "REPEATABLE READ"}
            if engine.dialect.name == "postgresql":
                options["postgresql_readonly"] = True
            connection = connection.execution_options(**options)
            with connection.begin():
                yield connection
        return
    with tempfile.TemporaryDirectory(prefix="regiokarte-backup-") as folder:
        copy_path = Path(folder) / "snapshot.db"
        raw = engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            with contextlib.closing(sqlite3.connect(copy_path)) as target:
                # one step (pages=-1): the copy is one read snapshot of the database
                source.backup(target)
        finally:
            raw.close()
        copy = create_engine(f"sqlite:///{copy_path}")
        try:
            with copy.connect() as connection, connection.begin():
                yield connection
        finally:
            copy.dispose()


def create_backup(platform: Platform, path: Path) -> Manifest:
    """Write a backup of ``platform``'s database to ``path`` (replaced only when complete)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    script = _branches(platform)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        with (
            _snapshot(platform) as connection,
            zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive,
        ):
            heads = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
            if not heads:
                raise ConfigError(
                    "The database has no regiokarte tables yet; there is nothing to back up "
                    "(run 'regiokarte init' first)."
                )
            tables = {
                table.name: _dump_table(connection, table, archive)
                for table in _data_tables(_reflect(connection))
            }
            manifest = Manifest(
                created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                engine=platform.db.dialect.name,
                schema=_schema_of(script, heads),
                heads=heads,
                plugins={p.name: p.manifest.version for p in platform.plugins},
                tables=tables,
            )
            archive.writestr(MANIFEST, json.dumps(manifest.to_dict(), indent=1))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return manifest


def _dump_table(connection: Connection, table: Table, archive: zipfile.ZipFile) -> TableDump:
    columns = list(table.columns)
    kinds = [_kind(c.type) for c in columns]
    order = list(table.primary_key.columns) or columns
    digest = hashlib.sha256()
    rows = 0
    with archive.open(f"data/{table.name}.jsonl", "w", force_zip64=True) as entry:
        result = connection.execution_options(yield_per=BATCH).execute(
            select(table).order_by(*order)
        )
        for row in result:
            values = [_encode(v, k) for v, k in zip(row, kinds, strict=True)]
            line = (json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
            digest.update(line)
            entry.write(line)
            rows += 1
    return TableDump(
        name=table.name,
        columns=tuple(c.name for c in columns),
        kinds=tuple(kinds),
        rows=rows,
        sha256=digest.hexdigest(),
    )


# --- reading and checking a backup -----------------------------------------------------------


@contextlib.contextmanager
def _open(path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except FileNotFoundError:
        raise BackupError(f"The backup file {str(path)!r} does not exist.") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise BackupError(
            f"The backup file {str(path)!r} is damaged or incomplete ({exc}); nothing was "
            "restored. Use another copy of the backup."
        ) from None


def _manifest_of(archive: zipfile.ZipFile, path: Path) -> Manifest:
    try:
        data = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(
            f"The file {str(path)!r} is no regiokarte backup: it has no {MANIFEST}."
        ) from None
    except (ValueError, zipfile.BadZipFile) as exc:
        raise BackupError(
            f"The backup's manifest is damaged ({exc}); nothing was restored."
        ) from None
    return Manifest.from_dict(data)


def read_manifest(path: Path) -> Manifest:
    """The manifest of the backup at ``path`` (the data is not checked)."""
    with _open(Path(path)) as archive:
        return _manifest_of(archive, Path(path))


def _rows(archive: zipfile.ZipFile, table: TableDump) -> Iterator[list[Any]]:
    with archive.open(f"data/{table.name}.jsonl") as entry:
        for line in io.TextIOWrapper(entry, encoding="utf-8"):
            values = json.loads(line)
            if not isinstance(values, list) or len(values) != len(table.columns):
                raise BackupError(
                    f"A row of table {table.name!r} in the backup has the wrong shape."
                )
            yield values


def _verify(archive: zipfile.ZipFile, manifest: Manifest) -> None:
    """Read every data file through: checksums and row counts must match the manifest."""
    for table in manifest.tables.values():
        name = f"data/{table.name}.jsonl"
        digest = hashlib.sha256()
        rows = 0
        try:
            entry: IO[bytes]
            with archive.open(name) as entry:
                for line in entry:
                    digest.update(line)
                    rows += 1
        except KeyError:
            raise BackupError(f"The backup lacks the data of table {table.name!r}.") from None
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise BackupError(
                f"The data of table {table.name!r} in the backup is damaged ({exc}); nothing "
                "was restored. Use another copy of the backup."
            ) from None
        if rows != table.rows or digest.hexdigest() != table.sha256:
            raise BackupError(
                f"The data of table {table.name!r} in the backup does not match its manifest "
                f"({rows} rows read, {table.rows} expected); the file is damaged, nothing was "
                "restored."
            )


# --- restoring -------------------------------------------------------------------------------


def _check_compatible(platform: Platform, manifest: Manifest, script: ScriptDirectory) -> None:
    enabled = {p.name for p in platform.plugins}
    missing = sorted(set(manifest.plugins) - enabled)
    if missing:
        names = ", ".join(repr(m) for m in missing)
        raise ConfigError(
            f"The backup holds data of the plugin(s) {names}, which are not enabled here; "
            "install them and add them to plugins.enabled in the configuration, then restore "
            "again."
        )
    known = {r.revision for r in script.walk_revisions()}
    labels = {label for r in script.walk_revisions() for label in r.branch_labels}
    for branch, revision in sorted(manifest.schema.items()):
        if revision in known:
            continue
        if branch in labels:
            raise ConfigError(
                f"The backup's schema revision {revision!r} of {branch!r} is newer than this "
                "installation knows; upgrade regiokarte (and its plugins) to the version that "
                "made the backup, then restore again."
            )
        raise ConfigError(
            f"The backup's schema revision {revision!r} belongs to {branch!r}, which is not "
            "installed here; install that plugin, then restore again."
        )


def _holds_data(connection: Connection, metadata: MetaData) -> dict[str, int]:
    """Tables with rows (bookkeeping tables left out) -> their row counts."""
    found: dict[str, int] = {}
    for table in _data_tables(metadata):
        if table.name.endswith(BOOKKEEPING_SUFFIX):
            continue
        count = int(connection.scalar(select(func.count()).select_from(table)) or 0)
        if count:
            found[table.name] = count
    return found


def _migrate(connection: Connection, platform: Platform, targets: Sequence[str]) -> None:
    folders = platform.migration_folders()
    config = alembic_config([f for fs in folders.values() for f in fs])
    config.attributes["connection"] = connection
    try:
        for target in targets:
            command.upgrade(config, target)
    except CommandError as exc:
        raise ConfigError(f"The database cannot be migrated for the restore: {exc}.") from None


def _generation(connection: Connection, metadata: MetaData) -> int:
    table = metadata.tables.get(INDEX_STATE)
    if table is None:
        return 0
    return int(connection.scalar(select(func.max(table.c.generation))) or 0)


def _reset_sequences(connection: Connection, metadata: MetaData) -> None:
    """Move every PostgreSQL id sequence past the largest restored id."""
    quote = connection.dialect.identifier_preparer.quote
    for table in _data_tables(metadata):
        for column in table.primary_key.columns:
            if not isinstance(column.type, sqltypes.Integer):
                continue
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": quote(table.name), "column": column.name},
            )
            if sequence is None:
                continue
            highest = connection.scalar(select(func.max(column)))
            connection.execute(
                text("SELECT setval(CAST(:sequence AS regclass), :value, :called)"),
                {
                    "sequence": sequence,
                    "value": int(highest) if highest is not None else 1,
                    "called": highest is not None,
                },
            )


def _load(
    connection: Connection, archive: zipfile.ZipFile, manifest: Manifest, metadata: MetaData
) -> None:
    extra = sorted(set(manifest.tables) - set(metadata.tables))
    if extra:
        raise BackupError(
            f"The backup holds table(s) {', '.join(extra)} that its schema revisions do not "
            "create; the backup is inconsistent."
        )
    tables = [t for t in _data_tables(metadata) if t.name in manifest.tables]
    # the tables are new: rows in them are what migrations seed (counters), which the
    # backup's rows replace; children first, for the foreign keys
    for table in reversed(tables):
        connection.execute(table.delete())
    for table in tables:
        dump = manifest.tables[table.name]
        unknown = [c for c in dump.columns if c not in table.c]
        if unknown:
            raise BackupError(
                f"The backup's table {table.name!r} has column(s) {', '.join(unknown)} that the "
                "migrated database lacks; the backup does not match its schema revisions."
            )
        decoders = [
            _decoder(k, table.c[c].type) for c, k in zip(dump.columns, dump.kinds, strict=True)
        ]
        batch: list[dict[str, Any]] = []
        for values in _rows(archive, dump):
            batch.append(
                {
                    column: (value if decode is None or value is None else decode(value))
                    for column, value, decode in zip(dump.columns, values, decoders, strict=True)
                }
            )
            if len(batch) >= BATCH:
                connection.execute(table.insert(), batch)
                batch = []
        if batch:
            connection.execute(table.insert(), batch)


def restore_backup(platform: Platform, path: Path, *, replace: bool = False) -> Manifest:
    """Restore the backup at ``path`` into ``platform``'s database, all or nothing.

    The database must hold no data unless ``replace`` is set (then everything in it is
    dropped first). Conflict names the tables that hold data; BackupError a damaged file;
    ConfigError a backup this installation cannot take (newer schema, plugin missing).
    """
    path = Path(path)
    script = _branches(platform)
    with _open(path) as archive:
        manifest = _manifest_of(archive, path)
        _check_compatible(platform, manifest, script)
        _verify(archive, manifest)
        folders = platform.migration_folders()
        enabled = [p.name for p in platform.plugins if p.name == "core" or folders.get(p.name)]
        engine = platform.db
        try:
            with engine.connect() as connection:
                connection = connection.execution_options(regiokarte_write=True)
                with connection.begin():
                    before = _reflect(connection)
                    holding = _holds_data(connection, before)
                    if holding and not replace:
                        listed = ", ".join(f"{k} ({v} rows)" for k, v in sorted(holding.items()))
                        raise Conflict(
                            f"The database is not empty ({listed}); restore into an empty "
                            "database, or pass --replace to drop everything in it first."
                        )
                    generation = _generation(connection, before)
                    before.drop_all(connection)
                    _migrate(connection, platform, manifest.heads)
                    _load(connection, archive, manifest, _reflect(connection))
                    _migrate(connection, platform, [f"{b}@head" for b in enabled])
                    after = _reflect(connection)
                    if connection.dialect.name == "postgresql":
                        _reset_sequences(connection, after)
                    _bump(connection, after, max(generation, _generation(connection, after)) + 1)
        except SQLAlchemyError as exc:
            raise BackupError(
                f"The backup could not be restored, nothing was changed: {exc}"
            ) from exc
    return manifest


def _bump(connection: Connection, metadata: MetaData, generation: int) -> None:
    """Set the search index generation, so every running process rebuilds its index."""
    table = metadata.tables[INDEX_STATE]
    connection.execute(table.delete())
    connection.execute(table.insert().values(id=1, generation=generation))
