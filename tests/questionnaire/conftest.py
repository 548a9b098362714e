"""Fixtures of the questionnaire tests (helpers: questionnaire_support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from questionnaire_support import make_app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path / "app")
    yield app
    app.extensions["regiokarte"].db.dispose()


@pytest.fixture
def platform(app: Flask) -> Any:
    return app.extensions["regiokarte"]


@pytest.fixture
def client(app: Flask) -> Any:
    return app.test_client()
