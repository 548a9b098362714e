"""Helpers of the portal page tests: a plugin that adds profile sections."""

from __future__ import annotations

from typing import Any

from core import PluginManifest, hookimpl
from core.plugins.profile import ProfileSection


class SectionPlugin:
    """Adds two profile sections, out of order, one with text that needs escaping."""

    MANIFEST = PluginManifest(name="sections", title_de="S", title_en="S", version="1")

    @hookimpl
    def profile_sections(self, company: Any, lang: str) -> list[ProfileSection]:
        return [
            ProfileSection("late", "Später", "<p>zwei</p>", plugin="sections", order=200),
            ProfileSection(
                "early",
                "Früher" if lang == "de" else "Earlier",
                "<p>eins</p>",
                plugin="sections",
                order=10,
            ),
        ]
