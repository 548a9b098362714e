"""sportclubs: sports clubs from OpenStreetMap as a regiokarte search layer.

An example of an external plugin, written only against regiokarte's public API (``core``):
a map layer, the faceted filter "a club of sport X within N km of the employer", a
questionnaire section on company sports, a profile section, an API route, an import command
and its own migration branch. See README.md.
"""

from __future__ import annotations

from core import PluginManifest, Text

from regiokarte_sportclubs.hooks import (
    profile_sections,
    register_blueprints,
    register_commands,
    register_filters,
    register_layers,
    register_migrations,
    register_questionnaire_sections,
)
from regiokarte_sportclubs.settings import SportclubsSettings

MANIFEST = PluginManifest(
    name="sportclubs",
    # every text a person reads is a key of the plugin's catalog (locale/messages.toml)
    title=Text.message("sportclubs", "plugin.title"),
    version="0.1.0",
    api_version="1.0",
    settings=SportclubsSettings,
    description="Sports clubs from OpenStreetMap: layer, 'club nearby' filter, questionnaire.",
)

__all__ = [
    "MANIFEST",
    "profile_sections",
    "register_blueprints",
    "register_commands",
    "register_filters",
    "register_layers",
    "register_migrations",
    "register_questionnaire_sections",
]
