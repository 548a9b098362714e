"""A plugin whose hook implementation has a misspelled name (``register_filter``)."""

from __future__ import annotations

from typing import Any

from core import PluginManifest, hookimpl

MANIFEST = PluginManifest(
    name="fake_misspelled", title_de="Vertippt", title_en="Misspelled", version="0.1.0"
)


@hookimpl
def register_filter(platform: Any) -> list[Any]:
    return []
