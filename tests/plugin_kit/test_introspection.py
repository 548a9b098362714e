"""Seeing what plugins do: REGIOKARTE_TRACE_HOOKS, ``regiokarte plugins --verbose`` and
``/api/v1/plugins``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from kit_support import ROOT, clean_env, engine_settings, engine_url, regiokarte_command, run
from probe import Probe

from core import Layer, Platform, PluginManifest, builtin, hookimpl
from core.plugins.manager import TRACE_ENV, make_plugin_manager


class Broken:
    MANIFEST = PluginManifest(name="broken", title_de="K", title_en="B", version="1")

    @hookimpl
    def register_layers(self) -> list[Layer]:
        raise RuntimeError("no layer today")


def _hook_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "regiokarte.hooks"]


def test_tracing_logs_every_hook_call_with_its_plugins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(TRACE_ENV, "1")
    settings = engine_settings(tmp_path, ["probe"])
    with caplog.at_level(logging.INFO, logger="regiokarte.hooks"):
        platform = Platform(settings, extra_plugins={"probe": Probe()})
        platform.upgrade_database()
    lines = _hook_lines(caplog)
    assert "call register_filters() -> probe, core" in lines
    assert any(line.startswith("done register_filters in ") for line in lines)
    # hooks core calls plugin by plugin are traced too
    assert any(line.startswith("call register_migrations(") for line in lines)
    assert any(line.startswith("done register_questionnaire_sections of probe") for line in lines)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="regiokarte.hooks"):
        platform.pm.hook.company_changed(platform=platform, company_id=7, deleted=True)
    assert "call company_changed(company_id=7, deleted=True) -> probe" in _hook_lines(caplog)
    platform.db.dispose()


def test_tracing_reports_a_failing_hook(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = engine_settings(tmp_path, ["broken"])
    with caplog.at_level(logging.INFO, logger="regiokarte.hooks"):
        pm, _ = make_plugin_manager(
            settings, builtin=builtin, extra={"broken": Broken()}, trace=True
        )
        with pytest.raises(RuntimeError):
            pm.hook.register_layers(platform=None)
    assert any(
        line.startswith("fail register_layers after") and "no layer today" in line
        for line in _hook_lines(caplog)
    )


def test_without_the_variable_nothing_is_traced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(TRACE_ENV, raising=False)
    with caplog.at_level(logging.INFO, logger="regiokarte.hooks"):
        Platform(engine_settings(tmp_path), extra_plugins={})
    assert _hook_lines(caplog) == []


def test_the_command_line_traces_to_stderr(tmp_path: Path) -> None:
    config = tmp_path / "regiokarte.toml"
    config.write_text(f'[portal]\ndatabase_url = "{engine_url(tmp_path)}"\n', "utf-8")
    env = clean_env(REGIOKARTE_CONFIG=str(config))
    quiet = run([*regiokarte_command(), "plugins"], cwd=tmp_path, env=env)
    assert quiet.returncode == 0, quiet.stderr
    assert "regiokarte.hooks" not in quiet.stderr
    traced = run([*regiokarte_command(), "plugins"], cwd=tmp_path, env={**env, TRACE_ENV: "1"})
    assert traced.returncode == 0, traced.stderr
    assert "[regiokarte.hooks] call register_filters() -> core" in traced.stderr
    assert "[regiokarte.hooks] done register_layers in" in traced.stderr
    assert traced.stdout == quiet.stdout  # tracing never changes what a command prints
    assert ROOT.is_dir()


@pytest.fixture
def regiokarte_plugins() -> list[str]:
    return ["probe"]


@pytest.fixture
def regiokarte_extra_plugins() -> dict[str, Any]:
    return {"probe": Probe()}


@pytest.mark.regiokarte(config={"plugins": {"probe": {"greeting": "Servus"}}})
def test_plugins_verbose_shows_hooks_parts_and_settings(regiokarte_cli: Any) -> None:
    result = regiokarte_cli.invoke(args=["plugins", "--verbose"])
    assert result.exit_code == 0, result.output
    block = result.output.split("probe", 1)[1]
    hooks = next(line for line in block.splitlines() if "hooks:" in line)
    assert "register_filters" in hooks and "erase_company_data" in hooks
    assert "    filters: probe_even" in block
    assert "    layers: probe_points" in block
    assert "    sections: probe" in block
    assert "    greeting = 'Servus'" in block


def test_api_plugins_lists_hooks_and_settings(regiokarte_client: Any) -> None:
    plugins = {p["name"]: p for p in regiokarte_client.get("/api/v1/plugins").get_json()["plugins"]}
    probe = plugins["probe"]
    assert probe["status"] == "enabled" and probe["origin"] == "test"
    assert "register_layers" in probe["hooks"]
    assert probe["settings"] == {"greeting": "Hallo"}
