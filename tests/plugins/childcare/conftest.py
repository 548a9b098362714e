"""Fixtures of the childcare plugin tests: platforms with the plugin, the Flensburg file."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from childcare_files import FLENSBURG
from flask import Flask

from core import Platform


def childcare_sections(region: Any = None, **childcare: Any) -> dict[str, Any]:
    """Settings sections that enable the plugin with the given ``[plugins.childcare]`` values
    (and the ``[region]`` section, when given)."""
    sections: dict[str, Any] = {"plugins": {"enabled": ["childcare"], "childcare": childcare}}
    if region is not None:
        sections["region"] = region
    return sections


@pytest.fixture
def childcare_platform(make_platform: Callable[..., Platform]) -> Callable[..., Platform]:
    """``childcare_platform(companies, **childcare_settings)`` -> Platform with the plugin."""

    def build(companies: Any = (), **childcare: Any) -> Platform:
        return make_platform(companies, **childcare_sections(**childcare))

    return build


@pytest.fixture
def flensburg_copy(tmp_path: Path) -> Path:
    """A writable copy of the Flensburg file."""
    target = tmp_path / FLENSBURG.name
    shutil.copyfile(FLENSBURG, target)
    return target


@pytest.fixture
def make_app(
    new_database: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Flask]]:
    """``make_app(enabled, db="name", **childcare_settings)`` -> a Flask app from
    ``webapp.create_app`` on a new database (the same ``db`` name shares a database);
    the environment's REGIOKARTE_* settings are ignored."""
    from webapp import create_app

    for key in list(os.environ):
        if key.startswith("REGIOKARTE_"):
            monkeypatch.delenv(key)
    apps: list[Flask] = []

    def build(enabled: bool, db: str = "portal", **childcare: Any) -> Flask:
        config: dict[str, Any] = {
            "portal": {"database_url": new_database(db)},
            "search": {"refresh_interval": 0.0},
            "plugins": {"enabled": ["childcare"] if enabled else []},
        }
        if enabled and childcare:
            config["plugins"]["childcare"] = childcare
        app = create_app(config)
        app.config["TESTING"] = True
        app.extensions["regiokarte"].upgrade_database()
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["regiokarte"].db.dispose()
