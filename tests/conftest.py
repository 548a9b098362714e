"""Shared fixtures: settings, platforms on throwaway databases, the demo data set, PostgreSQL.

One switch picks the database engine of the whole suite: ``REGIOKARTE_TEST_ENGINE=postgresql``
(default ``sqlite``). Every fixture that needs a database asks ``new_database`` (or the
session's ``databases``) for one, so the same tests run on SQLite files or on PostgreSQL
databases (one new database per platform or app, dropped afterwards). The PostgreSQL server is
``REGIOKARTE_TEST_DATABASE_URL`` (its user needs CREATEDB) or a throwaway cluster started
when ``initdb`` is installed; see tests/databases.py.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from reference import Reference
from sqlalchemy.engine import make_url

from core import Company, Platform, Settings, load_settings
from core.io.demo import demo_companies
from core.persistence import companies as repo
from core.region import Region, default_region

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
ROOT = TESTS.parent

# pytest puts this folder first on sys.path (for reference.py, checks.py, fake_plugins/). Its
# subfolders tests/webapp, tests/plugins, ... have no __init__.py and would then shadow the real
# packages as namespace packages whenever the project folder itself is not on sys.path (as with
# the ``pytest`` console script): the project root must come first.
if sys.path[:1] != [str(ROOT)]:
    sys.path.insert(0, str(ROOT))

from databases import (  # noqa: E402 - tests/databases.py, after ROOT is on sys.path
    ENGINE,
    SERVER_ENV,
    Databases,
    NewDatabase,
    engine_databases,
    postgres_databases,
    postgres_server_url,
)
from databases import shutdown as shutdown_databases  # noqa: E402

#: Size of the shared search data set: big enough for every facet value to occur, small
#: enough that brute force over it stays fast.
DEMO_COUNT = 3000
DEMO_SEED = 11


# --- settings and platforms ------------------------------------------------------------------


def _deep_merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def make_settings(url: str, **sections: Any) -> Settings:
    """Settings for a test: defaults, the given database and sections; the environment ignored."""
    overrides = _deep_merge({"portal": {"database_url": url}}, sections)
    return load_settings(env={}, overrides=overrides)


@pytest.fixture(scope="session")
def region() -> Region:
    return default_region()


class PlatformFactory:
    """Builds platforms (each on a new database of the engine under test unless ``url`` is
    given) and disposes of their connections afterwards."""

    def __init__(self, new_url: Callable[[str], str]) -> None:
        self.new_url = new_url
        self.platforms: list[Platform] = []

    def __call__(
        self,
        companies: Sequence[Company] = (),
        *,
        url: str | None = None,
        extra_plugins: Mapping[str, Any] | None = None,
        upgrade: bool = True,
        **sections: Any,
    ) -> Platform:
        if url is None:
            url = self.new_url(f"platform{len(self.platforms)}")
        # every search looks for changes unless a test says otherwise
        sections["search"] = {"refresh_interval": 0.0, **sections.get("search", {})}
        platform = Platform(make_settings(url, **sections), extra_plugins=extra_plugins)
        self.platforms.append(platform)
        if upgrade:
            platform.upgrade_database()
        if companies:
            with platform.session(write=True) as session:
                repo.bulk_insert_companies(session, list(companies))
        return platform

    def close(self) -> None:
        for platform in self.platforms:
            platform.db.dispose()


@pytest.fixture
def make_platform(new_database: NewDatabase) -> Iterator[PlatformFactory]:
    """``make_platform(companies, url=..., extra_plugins=..., search={...})`` -> Platform."""
    factory = PlatformFactory(new_database)
    yield factory
    factory.close()


@pytest.fixture(scope="module")
def make_module_platform(new_module_database: NewDatabase) -> Iterator[PlatformFactory]:
    """Like ``make_platform``, for data shared by the tests of one module (read only)."""
    factory = PlatformFactory(new_module_database)
    yield factory
    factory.close()


# --- the shared search data set --------------------------------------------------------------


def load_handmade(first_id: int) -> list[Company]:
    """Edge cases the demo generator never makes (tests/data/companies.json)."""
    rows = json.loads((DATA / "companies.json").read_text(encoding="utf-8"))
    companies = []
    for offset, row in enumerate(rows):
        company = Company.from_dict({**row, "id": first_id + offset}).validate()
        companies.append(company)
    return companies


@pytest.fixture(scope="session")
def dataset(region: Region) -> list[Company]:
    """Demo companies plus hand-made edge cases, with fixed ids (published or not)."""
    companies = list(demo_companies(region, DEMO_COUNT, DEMO_SEED))
    for number, company in enumerate(companies, start=1):
        company.id = number
    return companies + load_handmade(len(companies) + 1)


@pytest.fixture(scope="session")
def dataset_url(databases: Databases, dataset: list[Company]) -> str:
    """A database holding ``dataset``; tests must not write to it."""
    factory = PlatformFactory(databases.new)
    platform = factory(dataset)
    factory.close()
    return platform.settings.portal.database_url


@pytest.fixture(scope="session")
def search_platform(databases: Databases, dataset_url: str) -> Iterator[Platform]:
    """A platform with default settings over the shared data set (read only)."""
    factory = PlatformFactory(databases.new)
    yield factory(url=dataset_url, upgrade=False)
    factory.close()


@pytest.fixture(scope="session")
def reference(dataset: list[Company], region: Region) -> Reference:
    return Reference(dataset, region)


# --- databases: SQLite files or PostgreSQL databases (tests/databases.py) ---------------------


def _postgres_unavailable(reason: str) -> None:
    if ENGINE == "postgresql":
        pytest.fail(
            f"REGIOKARTE_TEST_ENGINE=postgresql, but there is no PostgreSQL: {reason}; set "
            "REGIOKARTE_TEST_DATABASE_URL or install PostgreSQL (initdb).",
            pytrace=False,
        )
    pytest.skip(
        f"no PostgreSQL for the postgres tests: {reason}; install PostgreSQL (initdb) or set "
        "REGIOKARTE_TEST_DATABASE_URL"
    )


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """An admin URL of a PostgreSQL server: REGIOKARTE_TEST_DATABASE_URL or a throwaway
    cluster (skips the test when neither is there, fails when the suite runs on PostgreSQL)."""
    try:
        return postgres_server_url()
    except LookupError as exc:
        _postgres_unavailable(str(exc))
        raise


@pytest.fixture(scope="session")
def pg_databases(postgres_server: str) -> Databases:
    """New databases on the PostgreSQL server, whatever the engine under test."""
    return postgres_databases()


@pytest.fixture(scope="session")
def databases(request: pytest.FixtureRequest) -> Databases:
    """New databases of the engine under test (REGIOKARTE_TEST_ENGINE)."""
    if ENGINE == "postgresql":
        return request.getfixturevalue("pg_databases")  # type: ignore[no-any-return]
    return engine_databases()


@pytest.fixture
def new_database(databases: Databases, tmp_path: Path) -> Iterator[NewDatabase]:
    """``new_database(name="db")`` -> URL of an empty database of the engine under test (the
    same name gives the same database within the test); dropped after the test."""
    names = NewDatabase(databases, tmp_path)
    yield names
    names.close()


@pytest.fixture(scope="module")
def new_module_database(
    databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[NewDatabase]:
    """Like ``new_database``, for data shared by the tests of one module."""
    names = NewDatabase(databases, tmp_path_factory.mktemp("module"))
    yield names
    names.close()


@pytest.fixture
def pg_url(pg_databases: Databases) -> Iterator[str]:
    """An empty PostgreSQL database for one test (the postgres tests, on either engine)."""
    url = pg_databases.new("pg")
    yield url
    pg_databases.drop(url)


def pytest_report_header(config: pytest.Config) -> str:
    server = os.environ.get(SERVER_ENV)
    where = ""
    if ENGINE == "postgresql":
        where = f" on {make_url(server)!r}" if server else " on a throwaway cluster"
    return f"regiokarte database engine: {ENGINE}{where} (REGIOKARTE_TEST_ENGINE)"


def pytest_sessionfinish(session: pytest.Session) -> None:
    shutdown_databases()
    # the test databases are gone now: usage counts their platforms still hold cannot be
    # written at exit, and saying so for every throwaway app is noise
    logging.getLogger("core.portal.statistics").setLevel(logging.ERROR)
