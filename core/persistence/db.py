"""Engines and sessions: SQLite (WAL, busy timeout) by default, PostgreSQL through psycopg 3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import ConfigError

__all__ = ["MAX_INTEGER", "begin_write", "make_engine", "make_session_factory"]

SQLITE_BUSY_TIMEOUT_MS = 30_000
#: The largest value of an INTEGER column (ids, counts) on PostgreSQL, where it has 32 bits;
#: SQLite would store more. An id above it exists in no database (and PostgreSQL refuses to
#: compare an INTEGER column with it: "integer out of range"); a count above it cannot be stored.
MAX_INTEGER = 2**31 - 1


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"portal.database_url {url!r} is not a database URL; use sqlite:///path/to.db or "
            "postgresql+psycopg://user:password@host/dbname."
        ) from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
            # let SQLAlchemy's BEGIN (below) start transactions, so the isolation is real
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # IMMEDIATE takes the write lock up front: two writers queue on the busy timeout
            # instead of one failing with "database is locked" when it upgrades its lock.
            write = connection.get_execution_options().get("regiokarte_write", False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def begin_write(session: Session) -> None:
    """Start ``session``'s transaction as a writer (on SQLite: take the write lock now).

    Call it first thing in a unit of work that writes; it is harmless on PostgreSQL.
    """
    session.connection(execution_options={"regiokarte_write": True})
