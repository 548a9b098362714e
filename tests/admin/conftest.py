"""Fixtures of the admin-area tests (helpers: admin_support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from admin_support import login, make_app
from flask import Flask


@pytest.fixture
def app(new_database: Any, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(new_database("admin"), tmp_path)
    yield app
    app.extensions["regiokarte"].db.dispose()


@pytest.fixture
def platform(app: Flask) -> Any:
    return app.extensions["regiokarte"]


@pytest.fixture
def client(app: Flask) -> Any:
    return app.test_client()


@pytest.fixture
def token(client: Any) -> str:
    """The CSRF token of a logged-in operator's session."""
    return login(client)
