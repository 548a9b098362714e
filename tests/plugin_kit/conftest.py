"""Fixtures of the plugin-kit tests; helpers live in kit_support.py.

The kit's fixtures (``regiokarte_platform``, ...) put each test on a SQLite file of its own.
In the PostgreSQL pass (REGIOKARTE_TEST_ENGINE=postgresql) the ``regiokarte_config`` knob
hands them a new database of the engine under test instead, as a plugin author's conftest.py
would; the tests of the kit's own defaults then skip (``kit_defaults``).
"""

from __future__ import annotations

import os
from typing import Any

import pytest


def _engine() -> str:
    """The engine under test; SQLite in a copy of this folder without tests/databases.py
    (test_meta_copy.py runs the meta-tests in one)."""
    try:
        from databases import ENGINE
    except ImportError:
        return "sqlite"
    return ENGINE


@pytest.fixture
def packaging_test() -> None:
    """Packaging and documentation do not depend on the database engine: run them once."""
    if os.environ.get("REGIOKARTE_TEST_ENGINE", "sqlite").strip().lower() == "postgresql":
        pytest.skip("engine-independent; it ran in the SQLite pass")


@pytest.fixture
def kit_defaults() -> None:
    """For tests of the kit's default database (a SQLite file in ``tmp_path``), which the
    PostgreSQL pass replaces through ``regiokarte_config``."""
    if _engine() == "postgresql":
        pytest.skip("tests the kit's default SQLite file; it ran in the SQLite pass")


@pytest.fixture
def regiokarte_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The kit's default database on SQLite; a database of the engine under test otherwise."""
    if _engine() == "sqlite":
        return {}
    new_database = request.getfixturevalue("new_database")  # tests/conftest.py
    return {"portal": {"database_url": new_database("kit")}}
