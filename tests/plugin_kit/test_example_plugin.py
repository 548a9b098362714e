"""examples/regiokarte-sportclubs, installed through its entry point (a temporary dist-info,
visible to this process only inside each test and to the subprocesses it starts): it keeps
every contract, uses only the public API, and its own test suite passes."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kit_support import (
    EXAMPLE,
    clean_env,
    dist_info,
    engine_url,
    non_public_core_imports,
    on_sys_path,
    plugin_entry_points,
    regiokarte_command,
    run,
)

from core import Platform
from core.plugins.manager import available_plugins

SAMPLE = EXAMPLE / "regiokarte_sportclubs" / "data" / "sportvereine_beispiel.osm"


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose dist-info declares the example's entry point, as pip would."""
    site = tmp_path_factory.mktemp("example-site")
    dist_info(site, "regiokarte-sportclubs", {"sportclubs": "regiokarte_sportclubs"})
    return site


@pytest.fixture
def installed(example_site: Path) -> Iterator[None]:
    assert "sportclubs" not in plugin_entry_points()
    with on_sys_path(example_site, EXAMPLE):
        yield
    assert "sportclubs" not in plugin_entry_points()  # other tests never see it


@pytest.fixture
def regiokarte_plugins(installed: None) -> list[str]:
    return ["sportclubs"]


@pytest.fixture
def imported(regiokarte_platform: Platform) -> Platform:
    from regiokarte_sportclubs.hooks import import_file

    assert import_file(regiokarte_platform, SAMPLE) == (9, 1)
    return regiokarte_platform


def test_it_is_found_through_its_entry_point(regiokarte_platform: Platform) -> None:
    assert "sportclubs" in available_plugins()
    plugin = regiokarte_platform.plugin("sportclubs")
    assert plugin.origin == "entry point" and plugin.manifest.version == "0.1.0"


def test_it_uses_only_the_public_api() -> None:
    assert non_public_core_imports(EXAMPLE) == []


@pytest.mark.regiokarte(demo=300)
def test_layer_filter_and_section_keep_their_contracts(
    imported: Platform, regiokarte_demo: list[Any], regiokarte_client: Any
) -> None:
    from regiokarte_testing import (
        check_filter,
        check_filter_api,
        check_layer,
        check_layer_api,
        check_section,
    )

    check_layer(imported, "sportclubs_clubs", min_features=9)
    check_filter(imported, "sportclubs_sport")
    check_section(imported, "sportclubs")
    check_layer_api(regiokarte_client, "sportclubs_clubs")
    body = check_filter_api(regiokarte_client, "sportclubs_sport")
    assert {f["value"] for f in body["facets"]["sportclubs_sport"]} >= {"soccer", "swimming"}
    paths = regiokarte_client.get("/api/openapi.json").get_json()["paths"]
    assert "/api/v1/sportclubs/clubs" in paths


def test_disabling_it_leaves_no_trace(imported: Platform, regiokarte_app: Any) -> None:
    from regiokarte_testing import check_disable_leaves_no_trace

    check_disable_leaves_no_trace(imported, "sportclubs", regiokarte_app)


def test_its_own_tests_pass(example_site: Path) -> None:
    result = run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "regiokarte_testing.plugin",
        ],
        cwd=EXAMPLE,
        # only the kit's pytest plugin is needed; not loading the others saves seconds
        env=clean_env([example_site, EXAMPLE], PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "9 passed" in result.stdout


def test_the_command_line_initialises_imports_and_lists_it(
    example_site: Path, tmp_path: Path
) -> None:
    config = tmp_path / "regiokarte.toml"
    config.write_text(
        textwrap.dedent(
            f"""
            [portal]
            database_url = "{engine_url(tmp_path)}"
            [plugins]
            enabled = ["sportclubs"]
            [plugins.sportclubs]
            radius_km = 1.5
            """
        ),
        encoding="utf-8",
    )
    env = clean_env([example_site, EXAMPLE], REGIOKARTE_CONFIG=str(config))
    rk = regiokarte_command()
    imported = run([*rk, "sportclubs", "import", str(SAMPLE)], cwd=tmp_path, env=env)
    assert imported.returncode == 0, imported.stderr
    assert "Imported 9 clubs from sportvereine_beispiel.osm (1 without a name skipped)." in (
        imported.stdout
    )
    listed = run([*rk, "plugins", "--verbose"], cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    block = listed.stdout.split("sportclubs", 1)[1]
    assert "(entry point)" in block
    assert "register_layers" in block and "profile_sections" in block
    assert "filters: sportclubs_sport" in block and "radius_km = 1.5" in block
