"""Fixtures of the search alert tests (helpers: alerts_support.py).

Each test gets the real app on a new database of the engine under test
(``REGIOKARTE_TEST_ENGINE``) with 300 demo companies and a folder outbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alerts_support import make_alert_app, platform_of
from flask import Flask
from flask.testing import FlaskClient

from core import Platform


@pytest.fixture
def app(new_database: Callable[[str], str], tmp_path: Path) -> Iterator[Flask]:
    app = make_alert_app(new_database("alerts"), tmp_path)
    yield app
    platform_of(app).db.dispose()


@pytest.fixture
def platform(app: Flask) -> Platform:
    return platform_of(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
