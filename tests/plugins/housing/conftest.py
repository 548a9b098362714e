"""Fixtures of the housing tests: a platform with companies and offers, and a web app on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from housing_support import (
    EXAMPLES,
    TODAY,
    add_companies,
    companies,
    generated_csv,
    import_bytes,
    import_file,
    make_platform,
    set_today,
)

from core import Platform


class World:
    """A platform with 400 companies, the sample files and 300 generated offers."""

    def __init__(self, platform: Platform, companies: list[Any], path: Path) -> None:
        self.platform = platform
        self.companies = companies
        self.path = path


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, new_module_database: Callable[[str], str]
) -> Iterator[World]:
    """Read only: tests that change the clock set it back."""
    folder = tmp_path_factory.mktemp("housing")
    platform = make_platform(new_module_database("housing"))
    items = companies(400, seed=3)
    add_companies(platform, items)
    for name in ("openimmo_beispiel.xml", "angebote_beispiel.csv", "angebote_beispiel.json"):
        import_file(platform, EXAMPLES / name)
    import_bytes(platform, generated_csv(300, seed=7), "generated.csv", source="generated")
    platform.engine.refresh(force=True)
    yield World(platform, items, folder)
    set_today(platform, TODAY)
    platform.db.dispose()


@pytest.fixture(scope="module")
def app(world: World) -> Any:
    from webapp.app import create_app

    return create_app(platform=world.platform)


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()
