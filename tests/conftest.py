"""Shared fixtures: settings, platforms on throwaway databases, the demo data set, PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from reference import Reference
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core import Company, Platform, Settings, load_settings
from core.demo import demo_companies
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

#: Size of the shared search data set: big enough for every facet value to occur, small
#: enough that brute force over it stays fast.
DEMO_COUNT = 3000
DEMO_SEED = 11


# --- settings and platforms ------------------------------------------------------------------


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


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
    """Builds platforms (each on a new SQLite file unless ``url`` is given) and disposes of
    their connections afterwards."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
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
            url = sqlite_url(self.folder / f"regiokarte-{len(self.platforms)}.db")
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
def make_platform(tmp_path: Path) -> Iterator[PlatformFactory]:
    """``make_platform(companies, url=..., extra_plugins=..., search={...})`` -> Platform."""
    factory = PlatformFactory(tmp_path)
    yield factory
    factory.close()


@pytest.fixture(scope="module")
def make_module_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformFactory]:
    """Like ``make_platform``, for data shared by the tests of one module (read only)."""
    factory = PlatformFactory(tmp_path_factory.mktemp("module"))
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
def dataset_url(tmp_path_factory: pytest.TempPathFactory, dataset: list[Company]) -> str:
    """A SQLite database holding ``dataset``; tests must not write to it."""
    factory = PlatformFactory(tmp_path_factory.mktemp("dataset"))
    platform = factory(dataset)
    factory.close()
    return platform.settings.portal.database_url


@pytest.fixture(scope="session")
def search_platform(
    tmp_path_factory: pytest.TempPathFactory, dataset_url: str
) -> Iterator[Platform]:
    """A platform with default settings over the shared data set (read only)."""
    factory = PlatformFactory(tmp_path_factory.mktemp("search"))
    yield factory(url=dataset_url, upgrade=False)
    factory.close()


@pytest.fixture(scope="session")
def reference(dataset: list[Company], region: Region) -> Reference:
    return Reference(dataset, region)


# --- PostgreSQL --------------------------------------------------------------------------------


def _find_pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(candidates[0]) if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Cluster:
    """A throwaway PostgreSQL cluster in a temporary folder."""

    def __init__(self) -> None:
        self.initdb = _find_pg_bin("initdb")
        self.pg_ctl = _find_pg_bin("pg_ctl")
        self.prefix: list[str] = []
        self.folder = Path(tempfile.mkdtemp(prefix="regiokarte-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.started = False

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [*self.prefix, *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "LC_ALL": "C"},
        )
        if result.returncode != 0:
            log = self.folder / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args)} failed: {result.stderr}{result.stdout}{tail}")

    def start(self) -> str:
        if self.initdb is None or self.pg_ctl is None:
            raise LookupError("initdb/pg_ctl are not installed")
        if os.geteuid() == 0:
            # initdb refuses to run as root: run the cluster as the postgres user
            import pwd

            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise LookupError("running as root and there is no 'postgres' user") from None
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self._run(
            self.initdb,
            "-D",
            str(self.data),
            "-U",
            "regiokarte",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            self.pg_ctl,
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        self.started = True
        return f"postgresql+psycopg://regiokarte@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            if self.started:
                self._run(self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """An admin URL of a PostgreSQL server: REGIOKARTE_TEST_DATABASE_URL or a throwaway cluster."""
    given = os.environ.get("REGIOKARTE_TEST_DATABASE_URL")
    if given:
        yield given
        return
    cluster = _Cluster()
    try:
        url = cluster.start()
    except LookupError as exc:
        cluster.stop()
        pytest.skip(
            f"no PostgreSQL for the postgres tests: {exc}; set REGIOKARTE_TEST_DATABASE_URL"
        )
    except RuntimeError:
        cluster.stop()
        raise
    try:
        yield url
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    """An empty PostgreSQL database for one test."""
    admin = create_engine(
        make_url(postgres_server).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    name = f"regiokarte_test_{uuid.uuid4().hex[:12]}"
    created = False
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        created = True
        url = make_url(postgres_server).set(drivername="postgresql+psycopg", database=name)
    except Exception:  # noqa: BLE001 - no right to create databases: use the given one, emptied
        url = make_url(postgres_server).set(drivername="postgresql+psycopg")
        with admin.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        if created:
            with contextlib.suppress(Exception), admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
