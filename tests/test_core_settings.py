"""Settings: defaults, TOML file, environment, overrides; a wrong value names its key."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from core import ConfigError, Platform, load_settings

TESTS = Path(__file__).resolve().parent


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return write(
        tmp_path / "regiokarte.toml",
        """
        [portal]
        title = "Arbeitgeberkarte Test"
        [search]
        per_page = 30
        max_points = 500
    """,
    )


def test_defaults_without_file_or_environment() -> None:
    settings = load_settings(env={})
    assert settings.search.per_page == 20
    assert settings.search.max_points == 2000
    assert settings.plugins.enabled == []
    assert settings.source == "defaults"


def test_file_overrides_defaults(config: Path) -> None:
    settings = load_settings(config, env={})
    assert settings.search.per_page == 30
    assert settings.portal.title == "Arbeitgeberkarte Test"
    assert settings.search.max_per_page == 200  # untouched keys keep their default
    assert settings.source == str(config)


def test_environment_overrides_the_file(config: Path) -> None:
    settings = load_settings(
        env={"REGIOKARTE_CONFIG": str(config), "REGIOKARTE_SEARCH__PER_PAGE": "50"}
    )
    assert settings.search.per_page == 50
    assert settings.search.max_points == 500  # from the file named by REGIOKARTE_CONFIG


def test_overrides_win_over_everything(config: Path) -> None:
    settings = load_settings(
        config, env={"REGIOKARTE_SEARCH__PER_PAGE": "50"}, overrides={"search": {"per_page": 70}}
    )
    assert settings.search.per_page == 70
    assert settings.search.max_points == 500


@pytest.mark.parametrize(
    ("name", "value", "path", "expected"),
    [
        (
            "REGIOKARTE_DATABASE_URL",
            "sqlite:///kurz.db",
            ("portal", "database_url"),
            "sqlite:///kurz.db",
        ),
        (
            "REGIOKARTE_PORTAL__DATABASE_URL",
            "sqlite:///lang.db",
            ("portal", "database_url"),
            "sqlite:///lang.db",
        ),
        (
            "REGIOKARTE_PLUGINS__ENABLED",
            '["fake", "fake_second"]',
            ("plugins", "enabled"),
            ["fake", "fake_second"],
        ),
        (
            "REGIOKARTE_PORTAL__TITLE",
            "Karte ohne Anführungszeichen",
            ("portal", "title"),
            "Karte ohne Anführungszeichen",
        ),
        ("REGIOKARTE_SEARCH__REFRESH_INTERVAL", "1.5", ("search", "refresh_interval"), 1.5),
        ("REGIOKARTE_MAP__CENTER", "[51.6, 7.2]", ("map", "center"), [51.6, 7.2]),
    ],
)
def test_environment_values(name: str, value: str, path: tuple[str, str], expected: object) -> None:
    settings = load_settings(env={name: value})
    section, key = path
    assert getattr(getattr(settings, section), key) == expected


def test_plugin_settings_come_from_the_environment_too() -> None:
    settings = load_settings(env={"REGIOKARTE_PLUGINS__FAKE__RADIUS_M": "750"})
    assert settings.plugins.options == {"fake": {"radius_m": 750}}


def test_unrelated_environment_variables_are_ignored() -> None:
    settings = load_settings(env={"REGIOKARTE_SOMETHING": "x", "HOME": "/root"})
    assert settings.search.per_page == 20


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[search]\nper_page = "viele"\n', "search.per_page"),
        ("[search]\nrefresh_interval = true\n", "search.refresh_interval"),
        ("[portal]\ntitle = 3\n", "portal.title"),
        ('[plugins]\nenabled = "fake"\n', "plugins.enabled"),
        ("[search]\nper_pge = 5\n", "per_pge"),
        ("[karte]\nzoom = 3\n", "karte"),
    ],
)
def test_a_wrong_value_in_the_file_names_its_key(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert key in caught.value.message


def test_a_wrong_value_in_the_environment_names_its_key() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env={"REGIOKARTE_SEARCH__PER_PAGE": "viele"})
    assert "search.per_page" in caught.value.message


def test_every_wrong_value_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path / "bad.toml",
        """
        [search]
        per_page = "viele"
        max_points = -0.5
        [map]
        zoom = "nah"
    """,
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    for key in ("search.per_page", "search.max_points", "map.zoom"):
        assert key in caught.value.message


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "fehlt.toml"
    with pytest.raises(ConfigError) as caught:
        load_settings(env={"REGIOKARTE_CONFIG": str(missing)})
    assert str(missing) in caught.value.message


def test_invalid_toml_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "kaputt.toml", "[search\nper_page = 3\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})
    assert "kaputt.toml" in caught.value.message


def test_region_file_is_relative_to_the_config_file(tmp_path: Path) -> None:
    folder = tmp_path / "etc"
    folder.mkdir()
    shutil.copy(TESTS / "data" / "tiny_region.toml", folder / "region.toml")
    config = write(
        folder / "regiokarte.toml",
        """
        [region]
        file = "region.toml"
    """,
    )
    settings = load_settings(
        config, env={}, overrides={"portal": {"database_url": f"sqlite:///{tmp_path / 'r.db'}"}}
    )
    assert Path(settings.region.file) == folder / "region.toml"
    platform = Platform(settings)
    assert platform.region.name == "Testkreis"
    assert [c.value for c in platform.filters["town"].choices] == ["09999001", "09999002", "other"]
