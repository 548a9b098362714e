"""Fixtures of the operator-facing features: a second region, open data, the map widget.

``second_region_app`` is the portal started from ``config/muenster-bielefeld.toml`` on a
throwaway database of the engine under test with demo companies of that region, the way an
operator of another region would start it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from core.io.demo import demo_rows
from core.persistence import companies as repo
from core.platform import Platform
from core.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
SECOND_REGION_CONFIG = ROOT / "config" / "muenster-bielefeld.toml"
COMPANIES = 300

AppFactory = Callable[..., Any]


@pytest.fixture
def make_app(new_database: Callable[[str], str]) -> Iterator[AppFactory]:
    """Build an app from a config file (or none) plus overrides, with demo companies."""
    from webapp.app import create_app

    built: list[Platform] = []

    def make(config: Path | None = None, companies: int = COMPANIES, **sections: Any) -> Any:
        database = {"database_url": new_database(f"db{len(built)}")}
        overrides = {"search": {"refresh_interval": 60.0}, **sections}
        # the test's own portal settings, always on the test's database
        overrides["portal"] = {**sections.get("portal", {}), **database}
        settings = load_settings(config, env={}, overrides=overrides)
        platform = Platform(settings)
        app = create_app(platform=platform)
        platform.upgrade_database()
        with platform.session(write=True) as session:
            repo.bulk_insert_rows(session, demo_rows(platform.region, companies, 3))
        platform.engine.refresh(force=True)
        built.append(platform)
        return app

    yield make
    for platform in built:
        platform.db.dispose()


@pytest.fixture
def second_region_app(make_app: AppFactory) -> Any:
    return make_app(SECOND_REGION_CONFIG)


@pytest.fixture
def client(second_region_app: Any) -> Any:
    return second_region_app.test_client()
