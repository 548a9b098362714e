"""core's import contracts (``[tool.importlinter]`` in pyproject.toml, run by ``make lint``).

The contracts hold for the tree as it is; and each kind of violation a change could bring
(Flask in core, a lower part importing a higher one, hookspecs importing core at run time, a
circle inside one folder) fails ``lint-imports`` naming the broken contract. The violations
are made in a copy of the sources, checked with the project's own configuration.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

NO_WEB = "core never imports Flask, the web app or a plugin"
LAYERS = "core's parts are layers: each imports only the parts below it"
HOOKSPECS = "the hook specifications import nothing of core at run time"
ACYCLIC = "no import circle between the modules and folders of core"
INDEPENDENT = "No plugin imports another plugin"
CONTRACTS = (NO_WEB, LAYERS, HOOKSPECS, ACYCLIC, INDEPENDENT)


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` over the packages of ``project`` (found first on the path)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOKARTE_")}
    env["PYTHONPATH"] = str(project)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(project / "pyproject.toml")],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=project,
        env=env,
    )


def _only_sources(folder: str, names: list[str]) -> set[str]:
    # the import graph needs the Python files only, not data, templates or static files
    return {n for n in names if n == "__pycache__" or ("." in n and not n.endswith(".py"))}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("sources")
    for package in ("core", "plugins", "webapp"):
        shutil.copytree(ROOT / package, copy / package, ignore=_only_sources)
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def add_line(path: Path, line: str) -> None:
    """Put ``line`` after the module's ``from __future__`` import (or at its top)."""
    text = path.read_text(encoding="utf-8")
    marker = "from __future__ import annotations\n"
    if marker in text:
        text = text.replace(marker, marker + line + "\n", 1)
    else:
        text = line + "\n" + text
    path.write_text(text, encoding="utf-8")


def broken_contracts(output: str) -> set[str]:
    return {name for name in CONTRACTS if f"{name} BROKEN" in output}


def test_the_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("core/search/geo.py", "import flask", {NO_WEB}),
        ("core/model.py", "import webapp.kit", {NO_WEB, LAYERS}),
        # the other plugins reach core.settings through the web kit: they would depend on
        # transit too
        ("core/settings.py", "import plugins.transit", {NO_WEB, INDEPENDENT}),
        # the company repository reaching up into the search engine: a layer and a circle
        ("core/persistence/companies.py", "import core.search.engine", {LAYERS, ACYCLIC}),
        # the plugin manager importing the platform that uses it
        ("core/plugins/manager.py", "import core.platform", {LAYERS, ACYCLIC}),
        # hookspecs naming the platform at run time instead of under TYPE_CHECKING: the
        # platform imports the plugin manager, which imports hookspecs
        (
            "core/plugins/hookspecs.py",
            "from core.platform import Platform",
            {HOOKSPECS, LAYERS, ACYCLIC},
        ),
        # a circle inside one folder, where no layer is drawn: geo <-> index
        ("core/search/geo.py", "import core.search.index", {ACYCLIC}),
    ],
    ids=["flask", "webapp", "plugin", "upwards", "manager-platform", "hookspecs", "circle"],
)
def test_a_violation_fails_naming_the_contract(
    sources: Path, tmp_path: Path, module: str, line: str, broken: set[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(sources, project)
    add_line(project / module, line)
    result = lint_imports(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert broken_contracts(result.stdout) == broken, result.stdout


def test_an_import_for_annotations_only_keeps_the_contracts(sources: Path, tmp_path: Path) -> None:
    # what hookspecs does for its argument types: it is not an import at run time
    project = tmp_path / "project"
    shutil.copytree(sources, project)
    add_line(
        project / "core/search/geo.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import core.search.index",
    )
    result = lint_imports(project)
    assert result.returncode == 0, result.stdout + result.stderr
