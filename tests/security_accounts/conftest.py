"""Fixtures of the account security tests (helpers: accounts_security_support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from accounts_security_support import AppMaker, build_app, platform_of
from databases import NewDatabase
from flask import Flask


@pytest.fixture
def make_app(new_database: NewDatabase, tmp_path: Path) -> Iterator[AppMaker]:
    """``make_app(name="db", **sections)`` -> the real app on a new database of the engine
    under test; the same ``name`` gives another app (a second server) on the same database."""
    made: list[Flask] = []

    def make(name: str = "db", **sections: Any) -> Flask:
        app = build_app(new_database(name), tmp_path / f"app{len(made)}", **sections)
        made.append(app)
        return app

    yield make
    for app in made:
        platform_of(app).db.dispose()


@pytest.fixture
def app(make_app: AppMaker) -> Flask:
    return make_app()


@pytest.fixture
def platform(app: Flask) -> Any:
    return platform_of(app)
