"""The settings helpers: help texts as field metadata, ranges checked at start-up."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from attrs import define, field

from core import (
    Platform,
    PluginError,
    PluginManifest,
    load_settings,
    range_problems,
    setting,
    setting_help,
)


@define
class ShopSettings:
    radius_km: float = field(default=2.0, metadata=setting_help("Search radius in km."))
    max_shops: int = field(default=50, metadata=setting_help("Most shops a map view shows."))

    def problems(self) -> list[str]:
        return range_problems(self, {"radius_km": (0.1, 50), "max_shops": (1, 5000)})


class Shops:
    MANIFEST = PluginManifest(
        name="shops", title_de="Läden", title_en="Shops", version="1.0", settings=ShopSettings
    )


def test_help_texts_are_field_metadata() -> None:
    helps = {f.name: f.metadata["help"] for f in attrs.fields(ShopSettings)}
    assert helps == {
        "radius_km": "Search radius in km.",
        "max_shops": "Most shops a map view shows.",
    }


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, []),
        ({"radius_km": 0.1, "max_shops": 5000}, []),  # both ends allowed
        ({"radius_km": 0.05}, ["radius_km: must lie between 0.1 and 50, not 0.05"]),
        (
            {"radius_km": 51.0, "max_shops": 0},
            [
                "radius_km: must lie between 0.1 and 50, not 51.0",
                "max_shops: must lie between 1 and 5000, not 0",
            ],
        ),
    ],
)
def test_ranges_name_each_setting_outside(values: dict[str, float], expected: list[str]) -> None:
    assert ShopSettings(**values).problems() == expected  # type: ignore[arg-type]


def test_core_reports_the_range_problems_at_start_up(tmp_path: Path) -> None:
    settings = load_settings(
        env={},
        overrides={
            "portal": {"database_url": f"sqlite:///{tmp_path / 'shops.db'}"},
            "plugins": {"enabled": ["shops"], "shops": {"max_shops": 9000}},
        },
    )
    with pytest.raises(PluginError, match=r"plugins\.shops\.max_shops: must lie between 1 and"):
        Platform(settings, extra_plugins={"shops": Shops()})


@define
class TownSettings:
    radius_km: float = setting(2.0, "Search radius in km.")
    towns: list[str] = setting(factory=lambda: ["Marl"], help_text="Towns shown first.")


def test_setting_is_the_field_with_its_default_and_help() -> None:
    made = {f.name: (f.default, f.metadata) for f in attrs.fields(TownSettings)}
    by_hand = {f.name: (f.default, f.metadata) for f in attrs.fields(ShopSettings)}
    assert made["radius_km"] == by_hand["radius_km"] == (2.0, {"help": "Search radius in km."})
    towns = attrs.fields(TownSettings).towns
    assert isinstance(towns.default, attrs.Factory) and towns.metadata == {
        "help": "Towns shown first."
    }
    first, second = TownSettings(), TownSettings()
    first.towns.append("Dorsten")
    # each instance gets a list of its own
    assert second.towns == ["Marl"] and TownSettings(towns=[]).towns == []
    with pytest.raises(TypeError, match="needs a default or a factory"):
        setting(help_text="No default.")
