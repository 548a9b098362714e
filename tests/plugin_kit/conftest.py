"""Fixtures of the plugin-kit tests; helpers live in kit_support.py."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def packaging_test() -> None:
    """Packaging and documentation do not depend on the database engine: run them once."""
    if os.environ.get("REGIOKARTE_TEST_ENGINE", "sqlite").strip().lower() == "postgresql":
        pytest.skip("engine-independent; it ran in the SQLite pass")
