"""regiokarte_testing itself: the fixtures do what they promise, and the contract checks
catch the mistakes plugin authors make."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from kit_support import engine_settings
from probe import Probe
from sqlalchemy import create_engine, func, select
from sqlalchemy import text as sql
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from core import (
    BBox,
    Company,
    Feature,
    FilterKind,
    FilterSpec,
    IndexSource,
    Layer,
    Location,
    Platform,
    PluginManifest,
    Question,
    Section,
    Status,
    Text,
    hookimpl,
    point_feature,
)
from core.persistence import companies as repo
from core.persistence.tables import CompanyRow
from regiokarte_testing import (
    check_disable_leaves_no_trace,
    check_filter,
    check_layer,
    check_section,
    valid_feature,
)
from regiokarte_testing.databases import TestDatabase, test_engine


def test_the_kit_is_a_registered_pytest_plugin(pytestconfig: pytest.Config) -> None:
    names = {ep.name: ep.value for ep in metadata.entry_points(group="pytest11")}
    assert names.get("regiokarte") == "regiokarte_testing.plugin"
    assert pytestconfig.pluginmanager.has_plugin("regiokarte")


# --- fixtures ------------------------------------------------------------------------------------


def test_each_test_gets_a_fresh_database(
    regiokarte_platform: Platform, regiokarte_database_url: str, tmp_path: Path
) -> None:
    url = regiokarte_platform.settings.portal.database_url
    assert url == regiokarte_database_url
    if test_engine() == "sqlite":
        assert url == f"sqlite:///{tmp_path / 'regiokarte.db'}"
    else:
        assert make_url(url).get_backend_name() == "postgresql"
        assert (make_url(url).database or "").startswith("rk_test_")
    assert regiokarte_platform.strict
    assert [p.name for p in regiokarte_platform.plugins] == ["core"]
    with regiokarte_platform.session() as session:
        assert repo.count_companies(session) == 0


def test_a_test_database_starts_empty_and_is_dropped(tmp_path: Path) -> None:
    database = TestDatabase(tmp_path, "kit")
    engine = create_engine(database.url)
    try:
        assert engine.dialect.name == test_engine()
        with engine.connect() as connection:
            assert engine.dialect.get_table_names(connection) == []
    finally:
        engine.dispose()
    database.drop()
    if test_engine() == "postgresql":
        server = create_engine(os.environ["REGIOKARTE_TEST_DATABASE_URL"])
        try:
            with server.connect() as connection:
                names = set(connection.scalars(sql("SELECT datname FROM pg_database")))
        finally:
            server.dispose()
        assert make_url(database.url).database not in names
    database.drop()  # a second drop does nothing


def test_the_session_fixture_commits_nothing(
    regiokarte_session: Session, regiokarte_platform: Platform
) -> None:
    repo.add_company(regiokarte_session, Company(name="Nur im Test GmbH", status=Status.DRAFT))
    regiokarte_session.commit()  # to a savepoint of the outer transaction
    assert regiokarte_session.scalar(select(func.count()).select_from(CompanyRow)) == 1
    with regiokarte_platform.session() as other:  # another connection sees nothing
        assert repo.count_companies(other) == 0


@pytest.mark.regiokarte(demo=40)
def test_demo_data_is_fictitious_deterministic_and_searchable(
    regiokarte_platform: Platform, regiokarte_demo: list[Company]
) -> None:
    assert [c.id for c in regiokarte_demo] == list(range(1, 41))
    assert all(c.is_demo for c in regiokarte_demo)
    published = [c for c in regiokarte_demo if c.status is Status.PUBLISHED and c.location]
    assert regiokarte_platform.search(regiokarte_platform.parse_query({})).total == len(published)


@pytest.mark.regiokarte(plugins=["probe"], config={"plugins": {"probe": {"greeting": "Ahoi"}}})
def test_the_marker_chooses_plugins_and_settings(regiokarte_platform: Platform) -> None:
    assert [p.name for p in regiokarte_platform.plugins] == ["core", "probe"]
    assert regiokarte_platform.plugin_settings("probe").greeting == "Ahoi"


@pytest.fixture
def regiokarte_extra_plugins() -> dict[str, Any]:
    return {"probe": Probe()}


# --- the checks catch mistakes ------------------------------------------------------------------


class Sloppy:
    """Every mistake the checks are there for, each behind a switch."""

    MANIFEST = PluginManifest(name="sloppy", title_de="S", title_en="S", version="1")

    def __init__(self, **mistakes: bool) -> None:
        self.mistakes = mistakes

    @hookimpl
    def register_filters(self) -> list[FilterSpec]:
        def column(source: IndexSource) -> np.ndarray:
            return np.asarray(source.employees > 5)

        key = "big" if self.mistakes.get("key") else "sloppy_big"
        plugin = "core" if self.mistakes.get("plugin") else "sloppy"
        return [FilterSpec(key, "Groß", "Big", FilterKind.BOOL, column=column, plugin=plugin)]

    @hookimpl
    def register_layers(self) -> list[Layer]:
        points = [("a", 51.60, 7.10), ("b", 51.70, 7.30), ("c", 51.50, 6.95)]

        def features(bbox: BBox | None, lang: str) -> list[Feature]:
            out = []
            for pid, lat, lon in points:
                inside = bbox is None or (
                    bbox.south <= lat <= bbox.north and bbox.west <= lon <= bbox.east
                )
                if not inside and not self.mistakes.get("ignores_bbox"):
                    continue
                feature = point_feature(pid, lat, lon, {"name": pid})
                if self.mistakes.get("date"):
                    feature["properties"]["since"] = dt.date(2020, 1, 1)
                if self.mistakes.get("same_id"):
                    feature["id"] = "same"
                out.append(feature)
            return out

        return [Layer("sloppy_points", "S", "S", features, plugin="sloppy")]

    @hookimpl
    def register_questionnaire_sections(self) -> list[Section]:
        english = {} if self.mistakes.get("untranslated") else {"en": "Size"}
        label = Text.literal(de="Größe", tr="Boyut", **english)
        question = Question(key="size", label=label, answer="integer")
        return [Section(key="sloppy", title="S", plugin="sloppy", questions=(question,))]

    @hookimpl
    def register_migrations(self, platform: Any) -> list[str]:
        if self.mistakes.get("migrations_need_settings"):
            platform.plugin_settings("sloppy")  # fails while the plugin is disabled
        return [str(Path(__file__).resolve().parent / "sloppy_migrations")]


@pytest.fixture
def sloppy(tmp_path: Path) -> Iterator[Callable[..., Platform]]:
    """``sloppy(**mistakes)`` -> a platform with the Sloppy plugin and one company."""
    built: list[Platform] = []

    def build(**mistakes: bool) -> Platform:
        platform = Platform(
            engine_settings(tmp_path, ["sloppy"]), extra_plugins={"sloppy": Sloppy(**mistakes)}
        )
        built.append(platform)
        platform.upgrade_database()
        with platform.session(write=True) as session:
            repo.add_company(
                session,
                Company(
                    name="Prüf GmbH",
                    location=Location(51.6, 7.1),
                    employees=9,
                    status=Status.PUBLISHED,
                ),
            )
        return platform

    yield build
    for platform in built:
        platform.db.dispose()


def test_a_careful_plugin_passes_every_check(sloppy: Callable[..., Platform]) -> None:
    platform = sloppy()
    check_filter(platform, "sloppy_big")
    check_layer(platform, "sloppy_points")
    check_section(platform, "sloppy")
    check_disable_leaves_no_trace(platform, "sloppy")


@pytest.mark.parametrize(
    ("mistake", "check", "message"),
    [
        ("key", lambda p: check_filter(p, "big"), "should start with 'sloppy_'"),
        ("plugin", lambda p: check_filter(p, "sloppy_big"), "comes from plugin 'sloppy'"),
        ("ignores_bbox", lambda p: check_layer(p, "sloppy_points"), "lie outside"),
        ("date", lambda p: check_layer(p, "sloppy_points"), "not JSON-serialisable"),
        ("same_id", lambda p: check_layer(p, "sloppy_points"), "not unique"),
        ("untranslated", lambda p: check_section(p, "sloppy"), "German and English"),
        (
            "migrations_need_settings",
            lambda p: check_disable_leaves_no_trace(p, "sloppy"),
            "cannot be upgraded",
        ),
    ],
)
def test_the_checks_catch_the_mistake(
    sloppy: Callable[..., Platform], mistake: str, check: Any, message: str
):
    platform = sloppy(**{mistake: True})
    with pytest.raises((AssertionError, Exception), match=message):
        check(platform)


def test_valid_feature_explains_what_is_wrong() -> None:
    good = point_feature("x", 51.6, 7.2, {})
    assert valid_feature(good) is None
    assert "[lon, lat]" in valid_feature(
        {**good, "geometry": {"type": "Point", "coordinates": [7.2]}}
    )
    assert "WGS84" in valid_feature(point_feature("x", 95.0, 7.2, {}))
    assert "'id'" in valid_feature({k: v for k, v in good.items() if k != "id"})
