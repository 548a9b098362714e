"""Core calls every hook through pluggy's hook caller, also the hooks whose results and
failures it keeps per plugin: a plugin's hook wrapper wraps those calls, tracing sees them,
a failing plugin is left out (strict mode re-raises), a disabled plugin's migrations are
asked through pluggy too."""

from __future__ import annotations

import logging
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from kit_support import engine_settings

from core import Company, Platform, PluginManifest, ProfileSection, builtin, hookimpl
from core.plugins.manager import callers_by_plugin, make_plugin_manager, results_by_plugin

LENIENT = pytest.mark.regiokarte(config={"plugins": {"strict": False}}, demo=20)


class Sections:
    """Answers profile_sections with one section (or raises when told to)."""

    def __init__(self, name: str) -> None:
        self.MANIFEST = PluginManifest(name=name, title_de=name, title_en=name, version="1")
        self.fails = False

    @hookimpl
    def profile_sections(self, company: Company) -> list[ProfileSection]:
        if self.fails:
            raise RuntimeError(f"{self.MANIFEST.name} broke")
        name = self.MANIFEST.name
        return [ProfileSection(name, name.title(), f"<p>{company.id}</p>", plugin=name)]


class Reviewer:
    """A plugin that only wraps profile_sections (a pluggy hook wrapper): it sees every call,
    each plugin's failure, and marks the sections it let through."""

    MANIFEST = PluginManifest(name="reviewer", title_de="Prüfer", title_en="Reviewer", version="1")

    def __init__(self) -> None:
        self.calls = 0
        self.failures: list[str] = []

    @hookimpl(wrapper=True)
    def profile_sections(self) -> Generator[None, list[list[ProfileSection]], Any]:
        self.calls += 1
        try:
            results = yield
        except RuntimeError as exc:
            self.failures.append(str(exc))
            raise
        return [
            [ProfileSection(s.id, s.title + " (geprüft)", s.html, plugin=s.plugin) for s in r]
            for r in results
        ]


@pytest.fixture
def alpha() -> Sections:
    return Sections("alpha")


@pytest.fixture
def beta() -> Sections:
    return Sections("beta")


@pytest.fixture
def reviewer() -> Reviewer:
    return Reviewer()


@pytest.fixture
def regiokarte_plugins() -> list[str]:
    return ["alpha", "reviewer", "beta"]


@pytest.fixture
def regiokarte_extra_plugins(alpha: Sections, beta: Sections, reviewer: Reviewer) -> dict[str, Any]:
    return {"alpha": alpha, "beta": beta, "reviewer": reviewer}


def _plugin_sections(platform: Platform, company: Company) -> dict[str, str]:
    return {s.id: s.title for s in platform.profile_sections(company, "de") if s.plugin != "core"}


@LENIENT
def test_a_hook_wrapper_wraps_each_plugins_call_and_a_failure_stays_with_its_plugin(
    regiokarte_platform: Platform,
    regiokarte_demo: list[Company],
    beta: Sections,
    reviewer: Reviewer,
) -> None:
    company = regiokarte_demo[0]
    answering = [name for name, _ in callers_by_plugin(regiokarte_platform.pm, "profile_sections")]
    # core, then the plugins in configured order; the wrapper-only plugin answers nothing
    assert answering == ["core", "alpha", "beta"]
    assert _plugin_sections(regiokarte_platform, company) == {
        "alpha": "Alpha (geprüft)",
        "beta": "Beta (geprüft)",
    }
    assert reviewer.calls == len(answering)

    beta.fails = True
    assert _plugin_sections(regiokarte_platform, company) == {"alpha": "Alpha (geprüft)"}
    assert reviewer.failures == ["beta broke"]


def test_strict_mode_re_raises_the_failing_plugins_error(
    regiokarte_platform: Platform, regiokarte_demo: list[Company], beta: Sections
) -> None:
    beta.fails = True
    with pytest.raises(RuntimeError, match="beta broke"):
        regiokarte_platform.profile_sections(regiokarte_demo[0], "de")


def test_results_by_plugin_pass_each_implementation_the_arguments_it_names(
    regiokarte_platform: Platform, regiokarte_demo: list[Company]
) -> None:
    company = regiokarte_demo[0]
    results = dict(
        results_by_plugin(
            regiokarte_platform.pm,
            "profile_sections",
            platform=regiokarte_platform,
            company=company,
            lang="de",
        )
    )
    assert [s.html for s in results["alpha"]] == [f"<p>{company.id}</p>"]
    assert set(results) == {"core", "alpha", "beta"}


def test_per_plugin_calls_are_traced_with_the_plugin_and_the_wrapper(
    tmp_path: Path,
    alpha: Sections,
    reviewer: Reviewer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = engine_settings(tmp_path, ["alpha", "reviewer"])
    pm, _ = make_plugin_manager(
        settings, builtin=builtin, extra={"alpha": alpha, "reviewer": reviewer}, trace=True
    )
    company = Company(id=5, name="Bäckerei Stern")
    with caplog.at_level(logging.INFO, logger="regiokarte.hooks"):
        for _, caller in callers_by_plugin(pm, "profile_sections"):
            caller(platform=None, company=company, lang="de")
    lines = [r.getMessage() for r in caplog.records if r.name == "regiokarte.hooks"]
    assert "call profile_sections(company=" in lines[0]
    assert lines[0].endswith("-> reviewer, core")
    assert any(line.startswith("done profile_sections of alpha in ") for line in lines)
    assert any(line.startswith("done profile_sections of core in ") for line in lines)


class Retired:
    """A plugin with migrations, installed but not enabled (its data stays)."""

    MANIFEST = PluginManifest(name="retired", title_de="Alt", title_en="Old", version="1")

    def __init__(self, folder: Path, fails: bool = False) -> None:
        self.folder, self.fails = folder, fails

    @hookimpl
    def register_migrations(self) -> list[Path]:
        if self.fails:
            raise OSError("the migrations folder is gone")
        return [self.folder]


def test_disabled_plugins_name_their_migrations_through_pluggy(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kept = Retired(tmp_path / "retired_migrations")
    broken = Retired(tmp_path / "gone", fails=True)
    broken.MANIFEST = PluginManifest(name="gone", title_de="Weg", title_en="Gone", version="1")
    settings = engine_settings(tmp_path)
    platform = Platform(settings, extra_plugins={"retired": kept, "gone": broken})
    with caplog.at_level(logging.WARNING, logger="core.platform"):
        folders = platform.migration_folders()
    assert folders["retired"] == [str(tmp_path / "retired_migrations")]
    assert "gone" not in folders
    assert "migrations of the disabled plugin 'gone' are unknown" in caplog.text
    platform.db.dispose()
