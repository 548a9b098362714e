"""Fixtures of the training plugin tests: a shared world (demo companies with training
answers, demo and sample courses; read only) and fresh platforms and apps to write to."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from databases import Databases
from training_support import (
    BA_SAMPLE,
    CSV_SAMPLE,
    JSON_SAMPLE,
    settings_for,
    training_config,
)

from core import Company, Platform
from core.io.demo import demo_rows
from core.persistence import companies as company_repo

#: Demo companies in the shared world: enough for every filter value to occur in most towns.
WORLD_COMPANIES = 1500


class World:
    """A platform with demo companies, their training answers and courses; what tests compare."""

    def __init__(self, platform: Platform) -> None:
        from plugins.training import repository as repo
        from plugins.training.hooks import service_for

        self.platform = platform
        self.service = service_for(platform)
        with platform.session() as session:
            self.companies: list[Company] = company_repo.list_companies(session)
            self.courses = repo.load_courses(session)

    @property
    def searchable(self) -> list[Company]:
        """Companies the company search answers for (published, with a location)."""
        return [c for c in self.companies if c.is_public and c.location is not None]


@pytest.fixture(scope="session")
def world(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from plugins.training.demo import add_demo_training
    from plugins.training.importer import import_file

    folder = tmp_path_factory.mktemp("training-world")
    platform = Platform(settings_for(databases.new("world", folder)))
    platform.upgrade_database()
    with platform.session(write=True) as session:
        company_repo.bulk_insert_rows(session, demo_rows(platform.region, WORLD_COMPANIES, 7))
    add_demo_training(platform, seed=1, courses=90)
    for sample in (CSV_SAMPLE, JSON_SAMPLE, BA_SAMPLE):
        import_file(platform, sample)
    platform.engine.refresh(force=True)
    yield World(platform)
    platform.db.dispose()


@pytest.fixture
def fresh(new_database: Callable[[str], str]) -> Iterator[Callable[..., Platform]]:
    """``fresh(**training_settings)`` -> a platform with the plugin on a new, empty database."""
    platforms: list[Platform] = []

    def build(**training: Any) -> Platform:
        platform = Platform(settings_for(new_database(f"fresh-{len(platforms)}"), **training))
        platform.upgrade_database()
        platforms.append(platform)
        return platform

    yield build
    for platform in platforms:
        platform.db.dispose()


@pytest.fixture
def make_app(
    new_database: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Any]]:
    """``make_app(enabled, db="portal", **training)`` -> ``webapp.create_app`` on a new database
    of the engine under test (the same ``db`` shares a database); REGIOKARTE_* variables are
    ignored."""
    from webapp import create_app

    for key in list(os.environ):
        if key.startswith("REGIOKARTE_"):
            monkeypatch.delenv(key)
    apps: list[Any] = []

    def build(enabled: bool, db: str = "portal", **training: Any) -> Any:
        app = create_app(training_config(new_database(db), enabled=enabled, **training))
        app.extensions["regiokarte"].upgrade_database()
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["regiokarte"].db.dispose()
