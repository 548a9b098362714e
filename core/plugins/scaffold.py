"""A new plugin package from templates: what ``regiokarte new-plugin NAME`` writes.

The package lives outside the project (its own ``pyproject.toml`` with the entry point), has a
manifest and a settings class, one map layer with a CSV importer, one filter, one questionnaire
section, its own migration branch, tests that use ``regiokarte_testing`` and a README. Its tests
pass right after generation; ``pip install -e`` and ``plugins.enabled`` make the portal use it.

Templates are the files under ``core/plugins/scaffold_templates/plugin`` (``*.tmpl``);
``{{key}}`` in their text and paths is replaced by the values of ``template_values``.
"""

from __future__ import annotations

import keyword
import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from core.errors import ConfigError
from core.plugins.manager import PLUGIN_API_VERSION

__all__ = ["NAME_PATTERN", "create_plugin", "render_plugin", "template_values"]

#: A plugin name: its entry-point name, table and filter prefix and URL segment.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,29}")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_SUFFIX = ".tmpl"


def template_values(name: str, title: str | None = None) -> dict[str, str]:
    """The placeholders for plugin ``name``; ConfigError says what a valid name is."""
    if not NAME_PATTERN.fullmatch(name) or name.endswith("_") or "__" in name:
        raise ConfigError(
            f"{name!r} is not a valid plugin name: use 2 to 30 lower-case letters, digits and "
            "single underscores, starting with a letter (it prefixes the plugin's tables, "
            "filter keys and URLs), e.g. 'sportclubs' or 'doctors'."
        )
    if name == "core" or keyword.iskeyword(name):
        raise ConfigError(f"{name!r} is reserved; choose another plugin name.")
    words = name.split("_")
    return {
        "name": name,
        "package": f"regiokarte_{name}",
        "dist": f"regiokarte-{name.replace('_', '-')}",
        "title": title or " ".join(w.capitalize() for w in words),
        "class": "".join(w.capitalize() for w in words),
        "api_version": PLUGIN_API_VERSION,
        "core_version": "0.1",
    }


def _fill(text: str, values: dict[str, str], where: str) -> str:
    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise ConfigError(f"The template {where} uses the unknown placeholder {key!r}.")
        return values[key]

    return _PLACEHOLDER.sub(replace, text)


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found: list[tuple[str, Traversable]] = []
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.name == "__pycache__":
            continue
        path = f"{prefix}{item.name}"
        if item.is_dir():
            found += _walk(item, path + "/")
        elif item.name.endswith(_SUFFIX):
            found.append((path[: -len(_SUFFIX)], item))
    return found


def render_plugin(name: str, *, title: str | None = None) -> dict[str, str]:
    """Every file of the new plugin's project: relative path -> text."""
    values = template_values(name, title)
    root = resources.files("core.plugins") / "scaffold_templates" / "plugin"
    return {
        _fill(path, values, path): _fill(item.read_text(encoding="utf-8"), values, path)
        for path, item in _walk(root)
    }


def create_plugin(name: str, parent: Path, *, title: str | None = None) -> Path:
    """Write the project of plugin ``name`` into a new folder under ``parent``; returns it.

    The folder (``regiokarte-<name>``) must not exist yet or be empty, so nothing is ever
    overwritten.
    """
    files = render_plugin(name, title=title)
    target = Path(parent) / template_values(name, title)["dist"]
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigError(
            f"{str(target)!r} exists and is not empty; choose another folder (--path) or "
            "remove it first."
        )
    for relative, text in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target
