"""The public API of ``core``: ``__all__`` lists exactly the public names, and core stays
free of Flask and of every plugin."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import subprocess
import sys
import types

import pytest

import core


def _core_modules() -> list[types.ModuleType]:
    names = [
        m.name for m in pkgutil.walk_packages(core.__path__, "core.") if ".migrations" not in m.name
    ]
    return [importlib.import_module(name) for name in names]


def _isort_key(name: str) -> tuple[int, str]:
    # constants first, then classes, then functions (ruff's RUF022 "isort-style" order)
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


def test_all_is_sorted_and_unique() -> None:
    assert len(core.__all__) == len(set(core.__all__))
    assert core.__all__ == sorted(core.__all__, key=_isort_key)


def test_every_listed_name_exists_and_is_public() -> None:
    for name in core.__all__:
        assert not name.startswith("_")
        assert getattr(core, name, None) is not None, name


def test_no_public_name_is_left_out() -> None:
    # core imports its public names when first used: the table of their modules is the list
    assert set(core._MODULE_OF) == set(core.__all__)
    loaded = {
        name
        for name, value in vars(core).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert loaded - {"TYPE_CHECKING", "Any", "annotations"} <= set(core.__all__)


def test_the_type_checkers_see_the_same_names_from_the_same_modules() -> None:
    tree = ast.parse(inspect.getsource(core))
    guarded = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    seen: dict[str, tuple[str, ...]] = {}
    for node in guarded.body:
        assert isinstance(node, ast.ImportFrom) and node.module
        seen[node.module] = seen.get(node.module, ()) + tuple(a.name for a in node.names)
    assert seen == core._SOURCES


def test_importing_core_loads_none_of_its_parts() -> None:
    # a command or worker pays for the parts it uses: `import core` alone stays cheap
    code = (
        "import sys, core\n"
        "heavy = [m for m in ('numpy', 'sqlalchemy', 'core.search', 'core.platform', 'scipy')\n"
        "         if m in sys.modules]\n"
        "print(heavy)\n"
        "from core import FilterSpec\n"
        "print('scipy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "False"], out.stdout + out.stderr


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'FilterSpek'"):
        core.FilterSpek  # noqa: B018


def _exported_definitions() -> list[str]:
    """Exported classes and functions defined in a core module (not values like constants)."""
    return [
        name
        for name in core.__all__
        if (inspect.isclass(getattr(core, name)) or inspect.isfunction(getattr(core, name)))
        and getattr(core, name).__module__.startswith("core.")
    ]


@pytest.mark.parametrize("name", _exported_definitions())
def test_each_export_is_public_in_its_own_module(name: str) -> None:
    home = getattr(core, name).__module__
    module = importlib.import_module(home)
    assert name in getattr(module, "__all__", ()), f"{home}.__all__ lacks {name}"


@pytest.mark.parametrize("module", _core_modules(), ids=lambda m: m.__name__)
def test_module_all_names_exist(module: types.ModuleType) -> None:
    for name in getattr(module, "__all__", ()):
        assert hasattr(module, name), f"{module.__name__}.__all__ names {name}, which is missing"


def test_core_imports_neither_flask_nor_plugins() -> None:
    code = (
        "import importlib, pkgutil, sys, core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'core.'):\n"
        "    if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in "
        "('flask', 'flask_smorest', 'webapp', 'plugins')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
