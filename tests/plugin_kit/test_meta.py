"""Meta-tests: the plugin API is documented and tested, or the build fails.

- every hookspec of ``core/plugins/hookspecs.py`` has a ``## <hook>`` section in docs/hooks.md with
  When / Arguments (each argument named) / Returns / Example, and a test named
  ``test_hook_<hook>`` somewhere under tests/;
- docs/hooks.md documents no hook that does not exist;
- every name of ``core.__all__`` is exported, has a ``### `<name>``` section in
  docs/public-api.md and (classes, functions) a docstring; the page names nothing else.

This module depends on nothing but ``core`` and the files it reads (relative to its own
location), so ``test_meta_copy.py`` can run it in a temporary copy of the project.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

import core
from core.plugins import hookspecs as specs

ROOT = Path(__file__).resolve().parents[2]
HOOKS_DOC = ROOT / "docs" / "hooks.md"
API_DOC = ROOT / "docs" / "public-api.md"
HEADINGS = ("**When**", "**Arguments**", "**Returns**", "**Example**")


def hookspec_names() -> list[str]:
    return sorted(n for n in dir(specs) if hasattr(getattr(specs, n), f"{specs.PROJECT}_spec"))


def sections(text: str, level: str) -> dict[str, str]:
    """Body of every section ``<level> <title>`` (title without backticks)."""
    found: dict[str, str] = {}
    parts = re.split(rf"^{re.escape(level)} (.+)$", text, flags=re.MULTILINE)
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        found[title.strip().strip("`")] = body
    return found


def hook_sections() -> dict[str, str]:
    return sections(HOOKS_DOC.read_text(encoding="utf-8"), "##")


def hook_tests() -> set[str]:
    """Names of every test function under tests/ (read, not imported)."""
    names: set[str] = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
    return names


def test_the_core_under_test_is_this_projects() -> None:
    # a copy of the project must test its own core, not the installed one
    assert Path(core.__file__).resolve().is_relative_to(ROOT)


def test_there_are_hooks() -> None:
    assert len(hookspec_names()) >= 10


@pytest.mark.parametrize("hook", hookspec_names())
def test_every_hook_has_a_documentation_section(hook: str) -> None:
    found = hook_sections()
    assert hook in found, (
        f"docs/hooks.md has no section '## {hook}': say when it is called, its arguments, "
        "what to return, and give an example"
    )
    body = found[hook]
    for heading in HEADINGS:
        assert heading in body, f"the section of {hook} in docs/hooks.md lacks {heading}"
    arguments = body.split("**Arguments**", 1)[1].split("**Returns**", 1)[0]
    for name in inspect.signature(getattr(specs, hook)).parameters:
        assert f"`{name}`" in arguments, (
            f"docs/hooks.md: the arguments of {hook} do not describe `{name}`"
        )
    example = body.split("**Example**", 1)[1]
    assert "```python" in example and "@hookimpl" in example and f"def {hook}(" in example, (
        f"the example of {hook} in docs/hooks.md should implement it with @hookimpl"
    )


def test_the_hook_reference_names_only_existing_hooks() -> None:
    stale = sorted(set(hook_sections()) - set(hookspec_names()))
    assert not stale, f"docs/hooks.md documents hooks that do not exist: {stale}"


def test_every_hookspec_has_a_docstring() -> None:
    missing = [h for h in hookspec_names() if not (getattr(specs, h).__doc__ or "").strip()]
    assert not missing, f"hookspecs without a docstring: {missing}"


@pytest.mark.parametrize("hook", hookspec_names())
def test_every_hook_has_a_test(hook: str) -> None:
    assert f"test_hook_{hook}" in hook_tests(), (
        f"no test is named test_hook_{hook}; add one (tests/plugin_kit/test_hooks.py) that "
        "shows a plugin implementing the hook and the portal using what it returns"
    )


@pytest.mark.parametrize("name", core.__all__)
def test_every_public_name_is_exported_and_documented(name: str) -> None:
    assert getattr(core, name, None) is not None, f"core.__all__ lists {name}, core lacks it"
    documented = sections(API_DOC.read_text(encoding="utf-8"), "###")
    assert name in documented and documented[name].strip(), (
        f"docs/public-api.md has no section '### `{name}`' describing it"
    )
    value = getattr(core, name)
    if inspect.isclass(value):
        assert (value.__dict__.get("__doc__") or "").strip(), f"class {name} has no docstring"
    elif inspect.isfunction(value):
        assert (value.__doc__ or "").strip(), f"function {name} has no docstring"


def test_the_public_api_page_documents_only_public_names() -> None:
    documented = set(sections(API_DOC.read_text(encoding="utf-8"), "###"))
    extra = sorted(documented - set(core.__all__))
    assert not extra, f"docs/public-api.md documents names core does not export: {extra}"


def test_links_between_the_plugin_docs_resolve() -> None:
    for name in (
        "plugin-guide",
        "plugin-tutorial",
        "plugin-testing",
        "plugin-settings",
        "stability",
        "hooks",
        "public-api",
    ):
        page = ROOT / "docs" / f"{name}.md"
        for target in re.findall(r"\]\(([\w.-]+\.md)(?:#[\w-]+)?\)", page.read_text("utf-8")):
            assert (page.parent / target).is_file(), f"{page.name} links to missing {target}"
