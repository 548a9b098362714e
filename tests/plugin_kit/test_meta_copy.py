"""The meta-tests do fail: a hookspec added without docs and test, in a temporary copy of the
project, makes test_meta.py fail and name the hook (the unchanged copy passes)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from kit_support import ROOT, clean_env, run

NEW_HOOK = '''

@hookspec
def register_widgets(platform: Platform) -> list[Any]:
    """Return dashboard widgets (added by the test: no docs section, no test)."""
'''


def _copy_project(target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "core", target / "core", ignore=ignore)
    shutil.copytree(ROOT / "docs", target / "docs", ignore=ignore)
    # the tests the meta-tests read (test_hook_* names) and the meta-tests themselves
    shutil.copytree(ROOT / "tests" / "plugin_kit", target / "tests" / "plugin_kit", ignore=ignore)
    return target


def _meta_tests(project: Path) -> tuple[int, str]:
    result = run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(project),
            "tests/plugin_kit/test_meta.py",
        ],
        cwd=project,
        # the meta-tests need no pytest plugin; not loading the installed ones saves seconds
        env=clean_env([project], PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"),
    )
    return result.returncode, result.stdout + result.stderr


def test_a_hookspec_without_docs_and_test_fails_the_build(tmp_path: Path) -> None:
    project = _copy_project(tmp_path / "project")
    status, output = _meta_tests(project)
    assert status == 0, output

    hookspecs = project / "core" / "plugins" / "hookspecs.py"
    hookspecs.write_text(hookspecs.read_text(encoding="utf-8") + NEW_HOOK, encoding="utf-8")
    status, output = _meta_tests(project)
    assert status == 1, output
    failed = {line.split(" - ")[0] for line in output.splitlines() if line.startswith("FAILED")}
    assert failed == {
        "FAILED tests/plugin_kit/test_meta.py::test_every_hook_has_a_documentation_section"
        "[register_widgets]",
        "FAILED tests/plugin_kit/test_meta.py::test_every_hook_has_a_test[register_widgets]",
    }, output
    assert "docs/hooks.md has no section '## register_widgets'" in output
    assert "no test is named test_hook_register_widgets" in output

    # documenting it is not enough: the test is still missing
    doc = project / "docs" / "hooks.md"
    doc.write_text(
        doc.read_text(encoding="utf-8")
        + "\n## register_widgets\n\n**When**: never.\n\n**Arguments**\n\n- `platform`: the"
        " platform.\n\n**Returns**: widgets.\n\n**Example**\n\n```python\n@hookimpl\n"
        "def register_widgets(platform):\n    return []\n```\n",
        encoding="utf-8",
    )
    status, output = _meta_tests(project)
    assert status == 1, output
    assert "test_every_hook_has_a_test[register_widgets]" in output
    assert "test_every_hook_has_a_documentation_section[register_widgets] FAILED" not in output
    assert output.count("FAILED") == 1, output
