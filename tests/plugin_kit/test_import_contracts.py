"""The import contracts of pyproject.toml (``lint-imports``, run by ``make lint``) hold for the
project and break on each kind of violation: a plugin importing a module inside core, a web
module other than the public kit, or another plugin.

Each case runs ``lint-imports`` with the project's own configuration on a copy of the
project's Python files (core, plugins, webapp) in which one plugin file gained one import.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from kit_support import ROOT, clean_env

pytest.importorskip("importlinter", reason="import-linter comes with the dev extra (make install)")

PUBLIC_CORE = "Plugins import core only at its top level (from core import Name)"
WEB_KIT = "Plugins import from webapp only the public web kit (webapp.kit)"
INDEPENDENT = "No plugin imports another plugin"


def _copy_tree(target: Path) -> Path:
    for package in ("core", "plugins", "webapp"):
        for source in (ROOT / package).rglob("*.py"):
            copy = target / source.relative_to(ROOT)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
    shutil.copyfile(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    code = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run(
        [sys.executable, "-c", code, "--no-cache"],
        cwd=tree,
        env=clean_env([tree]),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _add_line(tree: Path, file: str, line: str) -> None:
    path = tree / file
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy_tree(tmp_path_factory.mktemp("contracts"))


@pytest.fixture
def tree(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(pristine, copy)
    return copy


def test_the_project_keeps_every_contract(pristine: Path) -> None:
    result = _lint_imports(pristine)
    assert result.returncode == 0, result.stdout + result.stderr
    for contract in (PUBLIC_CORE, WEB_KIT, INDEPENDENT):
        assert f"{contract} KEPT" in result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("file", "line", "broken", "named"),
    [
        (
            "plugins/housing/service.py",
            "from core.errors import NotFound as _NotFound",
            PUBLIC_CORE,
            "plugins.housing.service -> core.errors",
        ),
        (
            "plugins/training/index.py",
            "import core.persistence.companies",
            PUBLIC_CORE,
            "plugins.training.index -> core.persistence.companies",
        ),
        (
            "plugins/childcare/api.py",
            "from webapp import security as _security",
            WEB_KIT,
            "plugins.childcare.api -> webapp.security",
        ),
        (
            "plugins/training/profile.py",
            "from plugins.events import vocab as _vocab",
            INDEPENDENT,
            "plugins.training.profile -> plugins.events.vocab",
        ),
    ],
    ids=["core-module", "core-persistence", "webapp-module", "other-plugin"],
)
def test_a_violating_plugin_breaks_its_contract(
    tree: Path, file: str, line: str, broken: str, named: str
) -> None:
    _add_line(tree, file, line)
    result = _lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{broken} BROKEN" in result.stdout
    assert named in result.stdout
    assert "1 broken" in result.stdout
