"""The real ``regiokarte`` console script: plugin listing and configuration errors.

The test plugin ``fake`` is installed for the subprocess through a temporary ``*.dist-info``
folder with an entry point, exactly as a pip-installed plugin would be found.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from core import Platform, SearchQuery, load_settings
from core.plugins import hookspecs

TESTS = Path(__file__).resolve().parent


def _command() -> list[str]:
    script = shutil.which("regiokarte", path=str(Path(sys.executable).parent))
    script = script or shutil.which("regiokarte")
    # without the console script, its entry point does the same
    return [script] if script else [sys.executable, "-c", "from webapp.cli import main; main()"]


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder that, on PYTHONPATH, makes the test plugin ``fake`` an installed plugin."""
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(
        TESTS / "fake_plugins", site / "fake_plugins", ignore=shutil.ignore_patterns("__pycache__")
    )
    dist = site / "regiokarte_test_plugins-0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: regiokarte-test-plugins\nVersion: 0.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        "[regiokarte.plugins]\nfake = fake_plugins.fake:plugin\n", encoding="utf-8"
    )
    return site


Runner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def regiokarte(tmp_path: Path, plugin_site: Path, new_database: Callable[[str], str]) -> Runner:
    """Run ``regiokarte ARGS`` with CONFIG as the configuration file and a fresh database
    (``new_database("cli")``)."""

    def run(*args: str, config: str = "") -> subprocess.CompletedProcess[str]:
        config_file = tmp_path / "regiokarte.toml"
        config_file.write_text(textwrap.dedent(config), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOKARTE_")}
        env["REGIOKARTE_CONFIG"] = str(config_file)
        env["REGIOKARTE_DATABASE_URL"] = new_database("cli")
        env["PYTHONPATH"] = str(plugin_site)
        return subprocess.run(
            [*_command(), *args], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path
        )

    return run


def test_plugins_lists_core_but_no_plugin_that_is_not_enabled(regiokarte: Runner) -> None:
    result = regiokarte("plugins")  # the test plugin is installed, but not enabled
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.split()[0] == "core"


def test_plugins_lists_enabled_plugins_with_hooks_and_hidden_secrets(regiokarte: Runner) -> None:
    result = regiokarte(
        "plugins",
        "--verbose",
        config="""
        [plugins]
        enabled = ["fake"]
        [plugins.fake]
        radius_m = 750
        api_token = "geheim"
    """,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    names = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert names == ["core", "fake"]
    fake_line = next(line for line in lines if line.startswith("fake"))
    assert "9.8.7" in fake_line and "Testplugin / Test plugin" in fake_line
    assert "(entry point)" in fake_line
    fake_block = result.stdout.split(fake_line, 1)[1]
    hooks_line = next(line for line in fake_block.splitlines() if "hooks:" in line)
    hooks = {h.strip() for h in hooks_line.split("hooks:", 1)[1].split(",")}
    every_hook = {
        n for n in dir(hookspecs) if hasattr(getattr(hookspecs, n), f"{hookspecs.PROJECT}_spec")
    }
    assert hooks == every_hook
    assert "radius_m = 750" in fake_block
    assert "api_token = '***'" in fake_block
    assert "geheim" not in result.stdout + result.stderr


def test_unknown_plugin_stops_the_command(regiokarte: Runner) -> None:
    result = regiokarte(
        "plugins",
        config="""
        [plugins]
        enabled = ["kindergarten"]
    """,
    )
    assert result.returncode == 2
    assert "'kindergarten'" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_wrong_setting_type_stops_the_command(regiokarte: Runner) -> None:
    result = regiokarte(
        "plugins",
        config="""
        [plugins]
        enabled = ["fake"]
        [plugins.fake]
        radius_m = "weit"
    """,
    )
    assert result.returncode == 2
    assert "'fake'" in result.stderr
    assert "radius_m" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_problem_is_in_the_one_message(regiokarte: Runner) -> None:
    result = regiokarte(
        "plugins",
        config="""
        [plugins]
        enabled = ["kindergarten", "fake"]
        [plugins.fake]
        radius_m = "weit"
        label = 3
    """,
    )
    assert result.returncode == 2
    for needle in ("'kindergarten'", "radius_m", "label"):
        assert needle in result.stderr
    assert result.stderr.count("Error:") == 1


def test_wrong_core_setting_names_the_key(regiokarte: Runner) -> None:
    result = regiokarte(
        "plugins",
        config="""
        [search]
        per_page = "viele"
    """,
    )
    assert result.returncode == 2
    assert "search.per_page" in result.stderr


def test_plugin_command_is_added_to_the_cli(regiokarte: Runner) -> None:
    """register_commands: "click commands or groups to add under the regiokarte command"."""
    result = regiokarte(
        "fake",
        "hello",
        "--name",
        "Marl",
        config="""
        [plugins]
        enabled = ["fake"]
        [plugins.fake]
        label = "Kitas"
    """,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Hallo Marl from Kitas (radius 500 m)"


def test_init_and_demo_fill_the_database(
    regiokarte: Runner, new_database: Callable[[str], str]
) -> None:
    assert regiokarte("init").returncode == 0
    result = regiokarte("demo", "--companies", "40", "--seed", "3")
    assert result.returncode == 0, result.stderr
    settings = load_settings(env={}, overrides={"portal": {"database_url": new_database("cli")}})
    platform = Platform(settings)
    try:
        total = platform.search(SearchQuery(per_page=1, clusters=False)).total
        assert 30 <= total <= 40  # a few demo companies are drafts
    finally:
        platform.db.dispose()


def test_the_cli_choice_lists_match_their_modules() -> None:
    # the CLI names them itself so that `regiokarte --help` imports neither module
    from core.io import importing
    from core.portal import accounts
    from webapp import cli

    assert cli.COMPANY_FORMATS == importing.FORMATS
    assert cli.ROLES == tuple(r.value for r in accounts.Role)
