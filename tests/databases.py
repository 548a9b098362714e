"""Throwaway databases of the engine under test: SQLite files or PostgreSQL databases.

``REGIOKARTE_TEST_ENGINE=postgresql`` (default ``sqlite``) picks the engine of every test that
uses a database. The PostgreSQL server is ``REGIOKARTE_TEST_DATABASE_URL`` (its user needs
CREATEDB) or a throwaway cluster started once per test process when ``initdb`` is installed
(scripts/pg_cluster.py). tests/conftest.py turns this into fixtures; code that runs before
any fixture (a module that builds its app at collection) calls ``engine_databases()``.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
# scripts/ is no package: its helpers are imported as top-level modules, as bench/ does
if str(ROOT / "scripts") not in sys.path:
    sys.path.append(str(ROOT / "scripts"))

from pg_cluster import Cluster  # noqa: E402

__all__ = [
    "ENGINE",
    "Databases",
    "NewDatabase",
    "engine_databases",
    "postgres_databases",
    "postgres_server_url",
    "shutdown",
]

ENGINES = ("sqlite", "postgresql")
SERVER_ENV = "REGIOKARTE_TEST_DATABASE_URL"


def engine_under_test() -> str:
    """``REGIOKARTE_TEST_ENGINE``: the engine of every test that uses a database."""
    value = os.environ.get("REGIOKARTE_TEST_ENGINE", "").strip().lower() or "sqlite"
    value = {"postgres": "postgresql", "pg": "postgresql"}.get(value, value)
    if value not in ENGINES:
        raise ValueError(
            f"REGIOKARTE_TEST_ENGINE={value!r} is unknown; use one of: {', '.join(ENGINES)}."
        )
    return value


ENGINE = engine_under_test()


class Databases:
    """Hands out URLs of new, empty databases of one engine and removes them again.

    SQLite: a new file in ``folder``. PostgreSQL (``admin_url``): ``CREATE DATABASE`` with a
    unique name on that server, dropped by ``drop`` or ``close``.
    """

    def __init__(self, folder: Path, admin_url: str | None = None) -> None:
        self.folder = folder
        self._numbers = itertools.count()
        self._created: set[str] = set()
        self._server = None if admin_url is None else make_url(admin_url)
        self._admin = (
            None
            if self._server is None
            else create_engine(
                self._server.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
            )
        )

    @property
    def engine(self) -> str:
        return "sqlite" if self._admin is None else "postgresql"

    def new(self, name: str = "regiokarte", folder: Path | None = None) -> str:
        """The URL of a new, empty database (``name`` only makes it easier to recognise)."""
        number = next(self._numbers)
        if self._admin is None or self._server is None:
            return f"sqlite:///{(folder or self.folder) / f'{name}-{number}.db'}"
        label = "".join(c for c in name.lower() if c.isalnum())[:20]
        database = f"rk_{label}_{os.getpid()}_{number}_{uuid.uuid4().hex[:6]}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        self._created.add(database)
        url = self._server.set(drivername="postgresql+psycopg", database=database)
        return url.render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        """Remove a database ``new`` gave out, closing its connections (SQLite files stay in
        their temporary folder)."""
        self._drop(make_url(url).database or "")

    def _drop(self, database: str) -> None:
        if self._admin is None or database not in self._created:
            return
        self._created.discard(database)
        with contextlib.suppress(Exception), self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))

    def close(self) -> None:
        for database in list(self._created):
            self._drop(database)
        if self._admin is not None:
            self._admin.dispose()


class NewDatabase:
    """``new_database(name)`` -> the URL of an empty database; the same name gives the same
    database while the object lives (as the same file name would); ``close`` drops them."""

    def __init__(self, databases: Databases, folder: Path) -> None:
        self.databases = databases
        self.folder = folder
        self.urls: dict[str, str] = {}

    def __call__(self, name: str = "db") -> str:
        if name not in self.urls:
            self.urls[name] = self.databases.new(name, self.folder)
        return self.urls[name]

    def close(self) -> None:
        for url in self.urls.values():
            self.databases.drop(url)


# --- one server and one provider per test process ---------------------------------------------

_cluster: Cluster | None = None
_cluster_error: Exception | None = None
_providers: dict[str, Databases] = {}


def postgres_server_url() -> str:
    """The admin URL: REGIOKARTE_TEST_DATABASE_URL, or a throwaway cluster started on first
    use. LookupError when there is neither (PostgreSQL not installed)."""
    global _cluster, _cluster_error
    given = os.environ.get(SERVER_ENV)
    if given:
        return given
    if _cluster_error is not None:
        raise _cluster_error
    if _cluster is None:
        cluster = Cluster()
        try:
            cluster.start()
        except (LookupError, RuntimeError) as exc:
            cluster.stop()
            _cluster_error = exc
            raise
        _cluster = cluster
    return _cluster.url


def postgres_databases() -> Databases:
    """New databases on the PostgreSQL server, whatever the engine under test."""
    if "postgresql" not in _providers:
        folder = Path(tempfile.mkdtemp(prefix="regiokarte-pgdb-"))
        _providers["postgresql"] = Databases(folder, postgres_server_url())
    return _providers["postgresql"]


def engine_databases() -> Databases:
    """New databases of the engine under test."""
    if ENGINE == "postgresql":
        return postgres_databases()
    if "sqlite" not in _providers:
        _providers["sqlite"] = Databases(Path(tempfile.mkdtemp(prefix="regiokarte-db-")))
    return _providers["sqlite"]


def shutdown() -> None:
    """Drop every database still there, remove the folders, stop the cluster (idempotent)."""
    global _cluster
    for databases in _providers.values():
        databases.close()
        shutil.rmtree(databases.folder, ignore_errors=True)
    _providers.clear()
    if _cluster is not None:
        _cluster.stop()
        _cluster = None


atexit.register(shutdown)
