"""The plugin toolkit's service holder and list hooks, on a plugin built from them alone."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest
from attrs import define

from core import (
    NavLink,
    Platform,
    PluginError,
    PluginManifest,
    PluginService,
    list_hook,
    load_settings,
    migrations_hook,
)


@define
class ShopSettings:
    radius_m: int = 500

    def problems(self) -> list[str]:
        return [] if self.radius_m > 0 else ["radius_m: must be above 0."]


class ShopService:
    made = 0

    def __init__(self, platform: Platform, settings: ShopSettings) -> None:
        ShopService.made += 1
        self.platform = platform
        self.settings = settings


def help_link(platform: Platform) -> NavLink:
    return NavLink(f"/laeden/hilfe?p={len(platform.plugins)}", "Hilfe", "Help", plugin="shop")


def shop_plugin() -> types.ModuleType:
    """A plugin module as an outside author writes it with the toolkit."""
    module = types.ModuleType("shop_plugin")
    module.MANIFEST = PluginManifest(  # type: ignore[attr-defined]
        name="shop", title_de="Läden", title_en="Shops", version="1.0", settings=ShopSettings
    )
    service_for = PluginService("shop", ShopService)
    module.service_for = service_for  # type: ignore[attr-defined]
    module.register_migrations = migrations_hook(__file__)  # type: ignore[attr-defined]
    module.register_navigation = list_hook(  # type: ignore[attr-defined]
        NavLink("/laeden", "Läden", "Shops", order=50, plugin="shop"),
        lambda platform: NavLink(
            f"/laeden?r={service_for(platform).settings.radius_m}", "Nah", "Near", plugin="shop"
        ),
        # a reference: imported on the first call, called with the platform
        f"{__name__}:help_link",
    )
    return module


def platform_with(tmp_path: Path, module: types.ModuleType, **options: Any) -> Platform:
    settings = load_settings(
        env={},
        overrides={
            "portal": {"database_url": f"sqlite:///{tmp_path / 'toolkit.db'}"},
            "plugins": {"enabled": ["shop"], "shop": options},
        },
    )
    return Platform(settings, extra_plugins={"shop": module})


def test_one_service_per_platform_with_the_checked_settings(tmp_path: Path) -> None:
    module = shop_plugin()
    first = platform_with(tmp_path, module, radius_m=800)
    second = platform_with(tmp_path, module)
    before = ShopService.made
    service = module.service_for(first)
    assert service is module.service_for(first)
    assert service.platform is first
    assert service.settings == ShopSettings(radius_m=800)
    assert module.service_for(second).settings == ShopSettings(radius_m=500)
    assert ShopService.made == before + 2


def test_invalid_settings_stop_the_start_before_any_service(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match=r"plugins\.shop\.radius_m: must be above 0"):
        platform_with(tmp_path, shop_plugin(), radius_m=0)


def test_list_hook_returns_values_callables_and_references(tmp_path: Path) -> None:
    platform = platform_with(tmp_path, shop_plugin(), radius_m=300)
    links = platform.collect("register_navigation")
    ours = [link for link in links if getattr(link, "plugin", None) == "shop"]
    assert [link.href for link in ours] == [
        "/laeden",
        "/laeden?r=300",
        f"/laeden/hilfe?p={len(platform.plugins)}",
    ]


def test_list_hook_refuses_a_reference_without_a_name() -> None:
    with pytest.raises(ValueError, match="package.module:name"):
        list_hook("os.path")(object())
    with pytest.raises(TypeError, match="not callable"):
        list_hook("os:sep")(object())


def test_migrations_hook_names_the_folder_beside_the_module(tmp_path: Path) -> None:
    platform = platform_with(tmp_path, shop_plugin())
    expected = str(Path(__file__).resolve().parent / "migrations")
    assert platform.migration_folders()["shop"] == [expected]
