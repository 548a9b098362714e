"""Regenerate the generated documentation: ``python -m core.docs``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.plugins.manager import available_plugins
from core.settings import settings_markdown

DOCS = Path("docs")

#: the package of the plugins that ship with the portal (their settings are documented here)
IN_TREE = "plugins."


def in_tree_plugin_settings() -> list[tuple[str, str, type[Any]]]:
    """(name, English title, settings class) of each installed in-tree plugin with settings,
    by name."""
    out = []
    for name, entry_point in sorted(available_plugins().items()):
        if not entry_point.value.startswith(IN_TREE):
            continue
        manifest = entry_point.load().MANIFEST
        if manifest.settings is not None:
            out.append((name, manifest.title("en"), manifest.settings))
    return out


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    text = settings_markdown(in_tree_plugin_settings())
    (DOCS / "configuration.md").write_text(text, encoding="utf-8")
    print(f"wrote {DOCS / 'configuration.md'}")


if __name__ == "__main__":
    main()
