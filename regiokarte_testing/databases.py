"""The database of each test: a SQLite file, or a new PostgreSQL database per test.

``REGIOKARTE_TEST_ENGINE`` picks the engine (``sqlite``, the default, or ``postgresql``); on
PostgreSQL the server is ``REGIOKARTE_TEST_DATABASE_URL``, whose user may create databases
(CREATEDB). Each test gets a database of its own, created empty and dropped afterwards, so a
plugin's tests run unchanged on both engines.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

__all__ = ["ENGINE_ENV", "SERVER_ENV", "TestDatabase", "test_engine"]

ENGINE_ENV = "REGIOKARTE_TEST_ENGINE"
SERVER_ENV = "REGIOKARTE_TEST_DATABASE_URL"
ENGINES = ("sqlite", "postgresql")


def test_engine() -> str:
    """The engine the tests run on (``REGIOKARTE_TEST_ENGINE``): ``sqlite`` or ``postgresql``."""
    value = os.environ.get(ENGINE_ENV, "").strip().lower() or "sqlite"
    value = {"postgres": "postgresql", "pg": "postgresql"}.get(value, value)
    if value not in ENGINES:
        raise ValueError(f"{ENGINE_ENV}={value!r} is unknown; use one of: {', '.join(ENGINES)}.")
    return value


test_engine.__test__ = False  # type: ignore[attr-defined]  # not a test, despite its name


class TestDatabase:
    """One empty database of the engine under test, for one test: ``url``; ``drop()`` removes
    it (a SQLite file stays in its temporary folder)."""

    __test__ = False  # a helper, not a test class

    def __init__(self, folder: Path, name: str = "regiokarte") -> None:
        self.engine = test_engine()
        self._admin = None
        self._database = ""
        if self.engine == "sqlite":
            self.url = f"sqlite:///{Path(folder) / f'{name}.db'}"
            return
        server = os.environ.get(SERVER_ENV, "").strip()
        if not server:
            raise RuntimeError(
                f"{ENGINE_ENV}=postgresql needs a server: set {SERVER_ENV} to the URL of a "
                "PostgreSQL user that may create databases, e.g. "
                "postgresql+psycopg://regiokarte@127.0.0.1:5432/postgres."
            )
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        url = make_url(server).set(drivername="postgresql+psycopg")
        self._admin = create_engine(url, isolation_level="AUTOCOMMIT")
        self._database = f"rk_test_{os.getpid()}_{uuid.uuid4().hex[:10]}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{self._database}"'))
        self.url = url.set(database=self._database).render_as_string(hide_password=False)

    def drop(self) -> None:
        """Remove the database, closing what is still connected to it (idempotent)."""
        if self._admin is None:
            return
        from sqlalchemy import text

        try:
            with self._admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{self._database}" WITH (FORCE)'))
        finally:
            self._admin.dispose()
            self._admin = None
