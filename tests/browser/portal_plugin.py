"""A test plugin for the portal: one filter of its own and one profile section.

It proves that the filter panel is built from the registry (the filter shows up without a
change to the portal) and that ``profile_sections`` places plugin HTML on profile pages.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from core import FilterKind, FilterSpec, IndexSource, PluginManifest, hookimpl
from core.plugins.profile import ProfileSection

NAME = "portaltest"
MANIFEST = PluginManifest(
    name=NAME,
    title_de="Portal-Test",
    title_en="Portal test",
    version="0.0.1",
    description="Adds a filter and a profile section (browser tests only).",
)


@hookimpl
def register_filters() -> list[FilterSpec]:
    def column(source: IndexSource) -> np.ndarray:
        return np.asarray(source.ids % 3 == 0)

    return [
        FilterSpec(
            f"{NAME}_kita",
            "Kita in der Nähe (Test)",
            "Childcare nearby (test)",
            FilterKind.BOOL,
            column=column,
            plugin=NAME,
            group="childcare",
        )
    ]


@hookimpl
def profile_sections(company: Any, lang: str) -> list[ProfileSection]:
    title = "Kitas in der Nähe" if lang == "de" else "Childcare nearby"
    body = f"<p class='portaltest'>{html.escape(company.name)}: 2 Kitas im Umkreis von 1 km.</p>"
    return [ProfileSection("portaltest-kitas", title, body, plugin=NAME)]
