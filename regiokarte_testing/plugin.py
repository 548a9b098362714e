"""The pytest plugin (entry point ``pytest11``): fixtures for testing regiokarte plugins.

Every fixture starts from a fresh database of its own, so tests never share state: a SQLite
file, or with ``REGIOKARTE_TEST_ENGINE=postgresql`` a new database on the server
``REGIOKARTE_TEST_DATABASE_URL`` (dropped after the test).
Choose plugins and settings by overriding the knob fixtures in the plugin's ``conftest.py``::

    @pytest.fixture
    def regiokarte_plugins():
        return ["sportclubs"]

or for one test with ``@pytest.mark.regiokarte(plugins=[...], config={...}, demo=300)``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from click.testing import CliRunner, Result
    from flask import Flask
    from flask.testing import FlaskClient
    from sqlalchemy.orm import Session

    from core import Company, Platform, Settings

#: How many demo companies ``regiokarte_demo`` creates unless the marker says otherwise.
DEMO_COUNT = 300
DEMO_SEED = 7


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "regiokarte(plugins=None, config=None, demo=None): plugins to enable, settings (the "
        "TOML file's shape) and the number of demo companies for the regiokarte_* fixtures",
    )


def _marker(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("regiokarte")
    return dict(marker.kwargs) if marker is not None else {}


# --- knobs: override these fixtures ----------------------------------------------------------


@pytest.fixture
def regiokarte_plugins() -> list[str]:
    """Names of the plugins to enable, in order (override it in your conftest.py)."""
    return []


@pytest.fixture
def regiokarte_config() -> dict[str, Any]:
    """Settings in the shape of the TOML file, laid over the test defaults."""
    return {}


@pytest.fixture
def regiokarte_extra_plugins() -> dict[str, Any]:
    """Plugin objects by name besides the installed entry points (a plugin under test that
    is not installed yet, or a fake)."""
    return {}


# --- the platform and the web app ------------------------------------------------------------


@pytest.fixture
def regiokarte_database_url(tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database for this test, of the engine ``REGIOKARTE_TEST_ENGINE``
    names: a SQLite file in ``tmp_path`` (default), or a new PostgreSQL database on
    ``REGIOKARTE_TEST_DATABASE_URL``'s server, dropped after the test."""
    from regiokarte_testing.databases import TestDatabase

    try:
        database = TestDatabase(tmp_path)
    except (RuntimeError, ValueError) as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield database.url
    finally:
        database.drop()


@pytest.fixture
def regiokarte_settings(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    regiokarte_plugins: list[str],
    regiokarte_config: dict[str, Any],
    regiokarte_database_url: str,
) -> Settings:
    """Test settings: the knobs (or the ``regiokarte`` marker), the test's own database
    (``regiokarte_database_url``, unless the config names one), strict plugin errors
    (``plugins.strict``)."""
    from regiokarte_testing.settings import deep_merge, make_test_settings

    marker = _marker(request)
    plugins = marker.get("plugins", regiokarte_plugins)
    config: Mapping[str, Any] = deep_merge(regiokarte_config, marker.get("config") or {})
    return make_test_settings(tmp_path, plugins, config, database_url=regiokarte_database_url)


@pytest.fixture
def regiokarte_platform(
    regiokarte_settings: Settings, regiokarte_extra_plugins: dict[str, Any]
) -> Iterator[Platform]:
    """A platform (core + the chosen plugins) with every migration applied."""
    from core import Platform

    platform = Platform(regiokarte_settings, extra_plugins=regiokarte_extra_plugins or None)
    platform.upgrade_database()
    try:
        yield platform
    finally:
        platform.db.dispose()


@pytest.fixture
def regiokarte_app(regiokarte_platform: Platform) -> Flask:
    """The web app over ``regiokarte_platform`` (its blueprints and commands mounted)."""
    from webapp.app import create_app

    app = create_app(platform=regiokarte_platform)
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def regiokarte_client(regiokarte_app: Flask) -> FlaskClient:
    """A test client of ``regiokarte_app``."""
    return regiokarte_app.test_client()


class RegiokarteRunner:
    """Runs ``regiokarte`` commands in-process against one app: core's (``plugins``,
    ``init``, ...) and the plugins' (``regiokarte_cli.invoke(args=["myplugin", "import",
    path])``); returns click's ``Result`` (``exit_code``, ``output``)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.runner: CliRunner = app.test_cli_runner()

    def invoke(self, args: list[str] | None = None, **kwargs: Any) -> Result:
        from webapp.cli import cli

        # the FlaskCliRunner hands the app over; the regiokarte group finds core's commands
        # itself and the plugins' in app.cli
        return self.runner.invoke(cli, args=args, **kwargs)


@pytest.fixture
def regiokarte_cli(regiokarte_app: Flask) -> RegiokarteRunner:
    """Runs ``regiokarte`` commands (core's and the plugins') in-process."""
    return RegiokarteRunner(regiokarte_app)


# --- data ------------------------------------------------------------------------------------


@pytest.fixture
def regiokarte_session(regiokarte_platform: Platform) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back at teardown: write freely,
    nothing stays. ``session.commit()`` commits to a savepoint only."""
    from sqlalchemy.orm import Session

    connection = regiokarte_platform.db.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def regiokarte_demo(request: pytest.FixtureRequest, regiokarte_platform: Platform) -> list[Company]:
    """Deterministic, fictitious demo companies of the region, saved and published (ids from
    1). How many: the marker's ``demo=`` or ``DEMO_COUNT``."""
    from core.io.demo import demo_companies
    from core.persistence import companies as repo

    count = int(_marker(request).get("demo", DEMO_COUNT))
    companies = list(demo_companies(regiokarte_platform.region, count, DEMO_SEED))
    for number, company in enumerate(companies, start=1):
        company.id = number
    with regiokarte_platform.session(write=True) as session:
        repo.bulk_insert_companies(session, companies)
    return companies
