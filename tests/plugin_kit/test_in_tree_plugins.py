"""The in-tree plugins are what an outside author could write: they reach core only through
``from core import Name`` (``core.__all__``) and the documented members of ``Platform``."""

from __future__ import annotations

from pathlib import Path

import pytest
from kit_support import (
    ROOT,
    documented_platform_members,
    non_public_core_imports,
    undocumented_platform_members,
)

PLUGINS = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").is_file())


def test_every_in_tree_plugin_is_checked() -> None:
    assert {p.name for p in PLUGINS} >= {"childcare", "events", "housing", "training", "transit"}


@pytest.mark.parametrize("folder", PLUGINS, ids=lambda p: p.name)
def test_plugin_imports_only_public_core_names(folder: Path) -> None:
    assert non_public_core_imports(folder) == []


@pytest.mark.parametrize("folder", PLUGINS, ids=lambda p: p.name)
def test_plugin_uses_only_documented_platform_members(folder: Path) -> None:
    assert undocumented_platform_members(folder) == []


def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    plugin = tmp_path / "sloppy"
    plugin.mkdir()
    (plugin / "service.py").write_text(
        "from core import Platform, haversine_m\n"
        "from core.geo import EARTH_RADIUS_M\n"
        "import core.persistence.companies\n"
        "from core import get_company\n"
        "\n"
        "class Service:\n"
        "    def __init__(self, platform: Platform) -> None:\n"
        "        self.platform = platform\n"
        "\n"
        "    def rows(self) -> None:\n"
        "        with self.platform.session_factory() as session:\n"
        "            session.close()\n"
        "        self.platform.session()\n"
        "\n"
        "def hook(platform: Platform) -> None:\n"
        "    platform.geocoder.locate(None)\n"
        "    platform.locate('45657')\n",
        encoding="utf-8",
    )
    assert non_public_core_imports(plugin) == [
        "service.py: from core.geo import EARTH_RADIUS_M",
        "service.py: import core.persistence.companies",
        "service.py: from core import get_company",
    ]
    assert undocumented_platform_members(plugin) == [
        "service.py:11: platform.session_factory",
        "service.py:16: platform.geocoder",
    ]
    assert {"session", "locate", "company", "settings", "plugin_settings"} <= (
        documented_platform_members()
    )
