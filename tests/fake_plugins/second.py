"""A second, minimal plugin: for plugin order and dependency tests."""

from __future__ import annotations

from typing import Any

import numpy as np

from core import FilterKind, FilterSpec, IndexSource, Layer, PluginManifest, hookimpl

MANIFEST = PluginManifest(
    name="fake_second",
    title_de="Zweites Testplugin",
    title_en="Second test plugin",
    version="0.2.0",
)


class SecondPlugin:
    MANIFEST = MANIFEST

    @hookimpl
    def register_filters(self, platform: Any) -> list[FilterSpec]:
        def flag(source: IndexSource) -> np.ndarray:
            return np.array(
                [bool(v) for v in source.extension("fake_second", "flag", False)], dtype=bool
            )

        return [
            FilterSpec(
                "fake_second_flag",
                "Markiert",
                "Flagged",
                FilterKind.BOOL,
                column=flag,
                plugin="fake_second",
            )
        ]

    @hookimpl
    def register_layers(self, platform: Any) -> list[Layer]:
        return [
            Layer(
                "fake_second_layer",
                "Zweite Ebene",
                "Second layer",
                lambda bbox, lang: [],
                plugin="fake_second",
            )
        ]


class NeedsFakePlugin:
    """Requires the plugin ``fake`` to be enabled before it."""

    MANIFEST = PluginManifest(
        name="fake_needs",
        title_de="Braucht fake",
        title_en="Needs fake",
        version="0.1.0",
        requires=("fake",),
    )


class FuturePlugin:
    """Written for a plugin API this core does not provide."""

    MANIFEST = PluginManifest(
        name="fake_future",
        title_de="Zukunft",
        title_en="Future",
        version="3.0.0",
        api_version="2.0",
    )


class MisnamedPlugin:
    """Its manifest name differs from the name it is installed under."""

    MANIFEST = PluginManifest(
        name="something_else", title_de="Falsch", title_en="Wrong", version="0.1.0"
    )


class NoSettingsPlugin:
    """Declares no settings class."""

    MANIFEST = PluginManifest(
        name="fake_plain", title_de="Schlicht", title_en="Plain", version="0.1.0"
    )


class ClashPlugin:
    """Registers a filter key and a layer id that the plugin ``fake`` uses already."""

    MANIFEST = PluginManifest(
        name="fake_clash", title_de="Konflikt", title_en="Clash", version="0.1.0"
    )

    def __init__(self, *, filters: bool = True, layers: bool = False) -> None:
        self.filters, self.layers = filters, layers

    @hookimpl
    def register_filters(self, platform: Any) -> list[FilterSpec]:
        if not self.filters:
            return []
        return [
            FilterSpec(
                "fake_nearby",
                "Doppelt",
                "Twice",
                FilterKind.BOOL,
                column=lambda s: np.zeros(len(s), dtype=bool),
                plugin="fake_clash",
            )
        ]

    @hookimpl
    def register_layers(self, platform: Any) -> list[Layer]:
        if not self.layers:
            return []
        return [
            Layer("fake_places", "Doppelt", "Twice", lambda bbox, lang: [], plugin="fake_clash")
        ]
