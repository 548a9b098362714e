"""Helpers of the plugin-kit tests (imported as ``kit_support``): installing plugins for
subprocesses (and in-process) without touching the project's environment, and running the
``regiokarte`` command.

A plugin is "installed" by a folder holding a ``*.dist-info`` with its entry point; on
``PYTHONPATH`` (subprocesses) or ``sys.path`` (this process) it is found exactly as a
pip-installed plugin would be. Nothing is left behind: the folders are temporary and
``sys.path`` is restored, so other tests never see these plugins.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "regiokarte-sportclubs"


def dist_info(
    site: Path, name: str, entry_points: Mapping[str, str], version: str = "0.1.0"
) -> Path:
    """A minimal ``<name>-<version>.dist-info`` in ``site`` declaring ``regiokarte.plugins``
    entry points (plugin name -> module)."""
    folder = site / f"{name.replace('-', '_')}-{version}.dist-info"
    folder.mkdir(parents=True)
    (folder / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = "".join(f"{plugin} = {module}\n" for plugin, module in entry_points.items())
    (folder / "entry_points.txt").write_text(f"[regiokarte.plugins]\n{lines}", encoding="utf-8")
    return folder


def engine_env() -> dict[str, str]:
    """The variables that put a subprocess's tests on the engine under test (none on SQLite;
    on PostgreSQL the engine and the server, a throwaway cluster's too)."""
    try:
        from databases import ENGINE, SERVER_ENV, postgres_server_url
    except ImportError:  # a copy of this folder without tests/databases.py (test_meta_copy)
        return {}
    if ENGINE != "postgresql":
        return {}
    return {"REGIOKARTE_TEST_ENGINE": ENGINE, SERVER_ENV: postgres_server_url()}


def engine_url(folder: Path, name: str = "portal") -> str:
    """The URL of a new, empty database of the engine under test (a file in ``folder`` on
    SQLite); dropped when the test process ends."""
    from databases import engine_databases

    return engine_databases().new(name, folder)


def clean_env(pythonpath: Sequence[Path | str] = (), **extra: str) -> dict[str, str]:
    """The environment for a subprocess: no REGIOKARTE_* of the developer, the engine under
    test (``engine_env``), the given path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIOKARTE_")}
    env.update(engine_env())
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    env.update(extra)
    return env


def regiokarte_command() -> list[str]:
    """The console script of this environment (or its entry point through python -c)."""
    script = shutil.which("regiokarte", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-c", "from webapp.cli import main; main()"]


def run(
    args: Sequence[str], *, cwd: Path, env: Mapping[str, str], timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=cwd, env=dict(env), capture_output=True, text=True, timeout=timeout
    )


@contextlib.contextmanager
def on_sys_path(*folders: Path) -> Iterator[None]:
    """Make ``folders`` importable (and their dist-infos visible) in this process only for
    the block; ``sys.path`` is restored afterwards."""
    saved = list(sys.path)
    sys.path[:0] = [str(f) for f in folders]
    try:
        yield
    finally:
        sys.path[:] = saved


def plugin_entry_points() -> set[str]:
    return {ep.name for ep in metadata.entry_points(group="regiokarte.plugins")}


def non_public_core_imports(folder: Path) -> list[str]:
    """Every import of ``core`` in the Python files under ``folder`` that is not a public
    name (``from core import X`` with X in ``core.__all__``), as 'file: import'."""
    import ast

    import core

    found: list[str] = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "core":
                names = [a.name for a in node.names]
                if node.module != "core" or any(n not in core.__all__ for n in names):
                    found.append(f"{path.name}: from {node.module} import {', '.join(names)}")
            elif isinstance(node, ast.Import):
                found += [
                    f"{path.name}: import {a.name}"
                    for a in node.names
                    if a.name.split(".")[0] == "core"
                ]
    return found


def documented_platform_members() -> set[str]:
    """The members of ``Platform`` that docs/public-api.md lists as public (its table)."""
    import re

    text = (ROOT / "docs" / "public-api.md").read_text(encoding="utf-8")
    table = text.split("### `Platform`", 1)[1].split("\n### ", 1)[0]
    members: set[str] = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            members |= set(re.findall(r"`(\w+)", first_cell))
    return members


def undocumented_platform_members(folder: Path) -> list[str]:
    """Every use of a ``Platform`` member in the Python files under ``folder`` that
    docs/public-api.md does not list, as 'file:line: platform.member'. A platform is what a
    name ``platform`` or an attribute ``.platform`` holds (hooks receive it under that name)."""
    import ast

    documented = documented_platform_members()
    found: list[tuple[str, int, str]] = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Attribute):
                continue
            holder = node.value
            is_platform = (isinstance(holder, ast.Name) and holder.id == "platform") or (
                isinstance(holder, ast.Attribute) and holder.attr == "platform"
            )
            if is_platform and node.attr not in documented:
                found.append((str(path.relative_to(folder)), node.lineno, node.attr))
    return [f"{name}:{line}: platform.{member}" for name, line, member in sorted(found)]


def site_dir_hook(folder: Path, site: Path) -> Path:
    """A folder with a ``sitecustomize`` that makes ``site`` a site directory: its ``.pth``
    files are processed as in site-packages (an editable install's finder among them).
    Put the returned folder on PYTHONPATH."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(
        f"import site\nsite.addsitedir({str(site)!r})\n", encoding="utf-8"
    )
    return folder


def engine_settings(folder: Path, plugins: Sequence[str] = ()) -> Any:
    """The kit's ``make_test_settings`` on a new database of the engine under test
    (REGIOKARTE_TEST_ENGINE; with SQLite a file in ``folder``)."""
    from databases import engine_databases

    from regiokarte_testing import make_test_settings

    database_url = engine_databases().new("kit", folder)
    return make_test_settings(folder, plugins, database_url=database_url)
