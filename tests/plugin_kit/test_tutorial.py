"""docs/plugin-tutorial.md works: its files, assembled from the page, make a plugin whose
tests pass once it is installed (through its entry point)."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from kit_support import ROOT, clean_env, dist_info, non_public_core_imports, run

TUTORIAL = ROOT / "docs" / "plugin-tutorial.md"
BLOCK = re.compile(r"```(\w+)\n# file: (\S+)\n(.*?)```", re.DOTALL)


def tutorial_files() -> dict[str, str]:
    return {path: body for _, path, body in BLOCK.findall(TUTORIAL.read_text(encoding="utf-8"))}


def test_the_tutorial_builds_a_working_plugin(tmp_path: Path) -> None:
    files = tutorial_files()
    assert {"pyproject.toml", "regiokarte_coworking/hooks.py", "tests/test_coworking.py"} <= set(
        files
    )
    project = tmp_path / "regiokarte-coworking"
    for relative, text in files.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert non_public_core_imports(project) == []
    entry_points = tomllib.loads(files["pyproject.toml"])["project"]["entry-points"]
    site = tmp_path / "site"
    dist_info(site, "regiokarte-coworking", entry_points["regiokarte.plugins"])
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
            "tests",
        ],
        cwd=project,
        env=clean_env([site, project], PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
