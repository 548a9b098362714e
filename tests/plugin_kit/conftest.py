"""Fixtures of the plugin-kit tests; helpers live in kit_support.py.

The kit's fixtures (``regiokarte_platform``, ...) put each test on a database of its own of
the engine under test (REGIOKARTE_TEST_ENGINE), as they do for any plugin author. The kit takes
the PostgreSQL server from REGIOKARTE_TEST_DATABASE_URL; when the suite runs on a throwaway
cluster instead (tests/databases.py), ``kit_server`` names that cluster to the kit, and
subprocesses get both variables through ``kit_support.clean_env``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


def _engine() -> str:
    """The engine under test; SQLite in a copy of this folder without tests/databases.py
    (test_meta_copy.py runs the meta-tests in one)."""
    try:
        from databases import ENGINE
    except ImportError:
        return "sqlite"
    return ENGINE


@pytest.fixture(scope="session", autouse=True)
def kit_server() -> Iterator[None]:
    """On PostgreSQL, the server the kit creates its databases on: REGIOKARTE_TEST_DATABASE_URL,
    or the suite's throwaway cluster (set for the session, then restored)."""
    if _engine() != "postgresql" or os.environ.get("REGIOKARTE_TEST_DATABASE_URL"):
        yield
        return
    from databases import SERVER_ENV, postgres_server_url

    os.environ[SERVER_ENV] = postgres_server_url()
    try:
        yield
    finally:
        os.environ.pop(SERVER_ENV, None)
