"""Fixtures of the reliability tests: databases of either engine, side by side.

The backup tests move data between engines, so they ask for SQLite and PostgreSQL databases
by name (``database_of("sqlite")``) whatever ``REGIOKARTE_TEST_ENGINE`` says; the PostgreSQL
ones skip when there is no PostgreSQL (and fail in the PostgreSQL pass, as everywhere).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from databases import Databases  # noqa: E402


@pytest.fixture
def database_of(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """``database_of("sqlite" | "postgresql")`` -> the URL of a new, empty database."""
    handed: list[tuple[Databases, str]] = []
    numbers = iter(range(1000))

    def new(engine: str) -> str:
        if engine == "sqlite":
            return f"sqlite:///{tmp_path / f'reliability-{next(numbers)}.db'}"
        databases: Databases = request.getfixturevalue("pg_databases")
        url = databases.new(f"rel{next(numbers)}")
        handed.append((databases, url))
        return url

    yield new
    for databases, url in handed:
        databases.drop(url)
