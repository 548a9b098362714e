"""Fixtures of the statistics tests (helpers: statistics_support.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from statistics_support import build_app, platform_of


@pytest.fixture
def make_app(new_database: Callable[[str], str], tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """``make_app(name="app", companies=0, **sections)`` -> the real app on a new database of
    the engine under test (the same name shares one database, like two servers)."""
    apps: list[Flask] = []

    def make(name: str = "app", **kwargs: Any) -> Flask:
        app = build_app(new_database(name), tmp_path / f"{name}-{len(apps)}", **kwargs)
        apps.append(app)
        return app

    yield make
    for app in apps:
        platform_of(app).db.dispose()
