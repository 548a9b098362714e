"""The plugin toolkit's hook declaration (``PluginHooks``) and declaration file
(``plugin.toml``, ``read_plugin_manifest``), on a plugin an outside author builds from them
alone."""

from __future__ import annotations

import importlib
import sys
import types
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from attrs import define

from core import (
    Address,
    Company,
    ConfigError,
    FilterKind,
    FilterSpec,
    Layer,
    Location,
    NavLink,
    Platform,
    PluginCommands,
    PluginError,
    PluginHooks,
    ProfileSection,
    Text,
    load_settings,
    point_feature,
    read_plugin_manifest,
)

MANIFEST_TEXT = """\
name = "shop"
title = "plugin.title"
version = "1.2.0"
requires = []
description = "Shops near the employers."
"""


#: the plugin's catalog (locale/messages.toml): the German of every key its files name
CATALOG = """\
[plugin]
title = "Läden"

[nav]
shops = "Läden"

[filter.near]
label = "Laden in der Nähe"
help = "Ein Laden in Gehweite."

[filter.walk]
label = "Fußweg zum Laden (Minuten)"
kind = "Art des Ladens"

[layer]
shops = "Läden"
markets = "Wochenmärkte"
"""

#: its English catalog, as ``make translations`` and a translator leave it
ENGLISH = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"

msgctxt "plugin.title"
msgid "Läden"
msgstr "Shops"

msgctxt "nav.shops"
msgid "Läden"
msgstr "Shops"

msgctxt "filter.walk.kind"
msgid "Art des Ladens"
msgstr "Kind of shop"
"""


@define
class ShopSettings:
    radius_m: int = 500


class ShopService:
    def __init__(self, platform: Platform, settings: ShopSettings) -> None:
        self.platform = platform
        self.settings = settings


class Blueprint:
    """Stands for a Flask blueprint: an object the web app mounts, not a function to call."""

    def __init__(self, name: str) -> None:
        self.name = name


#: a blueprint object named by reference
SHOP_PAGES = Blueprint("shop_pages")


def shop_api(platform: Platform) -> Blueprint:
    """A blueprint made from the platform."""
    return Blueprint(f"shop_api_{len(platform.plugins)}")


def shop_filters(service: ShopService) -> list[FilterSpec]:
    return [
        FilterSpec(
            "shop_near",
            Text.literal(
                de=f"Laden in {service.settings.radius_m} m",
                en=f"Shop within {service.settings.radius_m} m",
            ),
            FilterKind.BOOL,
            column=lambda source: np.ones(len(source), dtype=bool),
            plugin="shop",
        )
    ]


def shop_layers(service: ShopService) -> list[Layer]:
    def features(bbox: Any, lang: str) -> list[Any]:
        name = "Bakery" if lang == "en" else "Bäckerei"
        return [
            point_feature("shop-1", 51.61, 7.19, {"radius": service.settings.radius_m}, title=name)
        ]

    return [Layer("shop_shops", "Läden", features, plugin="shop")]


def shop_section(service: ShopService, company: Company, lang: str) -> ProfileSection | None:
    if company.location is None:
        return None
    title = "Shops nearby" if lang == "en" else "Läden in der Nähe"
    html = f"<p>{service.settings.radius_m} m</p>"
    return ProfileSection(id="shop", title=title, html=html, plugin="shop")


@pytest.fixture(autouse=True)
def importable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin packages the tests write into tmp_path are importable."""
    monkeypatch.syspath_prepend(str(tmp_path))


@pytest.fixture(scope="module")
def shop_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shop plugin's catalog folder. Every test's shop package links to this one folder:
    a process registers one catalog per plugin name (the domain ``shop``)."""
    folder = tmp_path_factory.mktemp("shop_catalog") / "locale"
    (folder / "en" / "LC_MESSAGES").mkdir(parents=True)
    (folder / "messages.toml").write_text(CATALOG, encoding="utf-8")
    (folder / "en" / "LC_MESSAGES" / "shop.po").write_text(ENGLISH, encoding="utf-8")
    return folder


_CATALOG_FOLDER: list[Path] = []


@pytest.fixture(autouse=True)
def _shop_catalog_folder(shop_catalog: Path) -> None:
    _CATALOG_FOLDER[:] = [shop_catalog]


def shop_package(folder: Path, text: str | None) -> str:
    """A plugin package in ``folder`` with ``text`` as its plugin.toml (None: none) and the
    shop catalog as its ``locale``; its imported name."""
    name = f"shop_plugin_{uuid.uuid4().hex}"
    (folder / name).mkdir()
    (folder / name / "__init__.py").write_text("", encoding="utf-8")
    (folder / name / "locale").symlink_to(_CATALOG_FOLDER[0], target_is_directory=True)
    if text is not None:
        (folder / name / "plugin.toml").write_text(text, encoding="utf-8")
    importlib.import_module(name)
    return name


def shop_plugin(folder: Path, tables: str = "", **declaration: Any) -> types.ModuleType:
    """A plugin package whose plugin.toml holds the manifest and ``tables``, built with
    PluginHooks as an outside author does (the package is its own hook module here)."""
    name = shop_package(folder, MANIFEST_TEXT + tables)
    hooks = PluginHooks(name, ShopService, settings=ShopSettings, **declaration)
    module = sys.modules[name]
    module.MANIFEST = hooks.manifest  # type: ignore[attr-defined]
    module.service_for = hooks.service_for  # type: ignore[attr-defined]
    module.__dict__.update(hooks.implementations)
    return module


def platform_with(tmp_path: Path, module: types.ModuleType, **options: Any) -> Platform:
    settings = load_settings(
        env={},
        overrides={
            "portal": {"database_url": f"sqlite:///{tmp_path / 'hooks.db'}"},
            "plugins": {"enabled": ["shop"], "shop": options},
        },
    )
    return Platform(settings, extra_plugins={"shop": module})


def ours(platform: Platform, hook: str) -> list[Any]:
    return [
        item for name, items in platform.collect_by_plugin(hook) if name == "shop" for item in items
    ]


def test_manifest_comes_from_the_file_beside_the_module(tmp_path: Path) -> None:
    module = shop_plugin(tmp_path)
    manifest = module.MANIFEST
    assert (manifest.name, manifest.title("de"), manifest.title("en")) == ("shop", "Läden", "Shops")
    assert (manifest.version, manifest.requires) == ("1.2.0", ())
    assert manifest.description == "Shops near the employers."
    assert manifest.settings is ShopSettings
    assert manifest.api_version == "1.0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "shop"\nversion = "1"\n', "lacks the manifest keys title"),
        (
            MANIFEST_TEXT.replace("plugin.title", "plugin.titel"),
            "title is 'plugin.titel', which is no key of the catalog",
        ),
        (MANIFEST_TEXT + 'colour = "red"\n', "unknown keys colour"),
        ('name = "shop\n', "is not valid TOML"),
        (None, r"plugin\.toml does not exist"),
    ],
)
def test_a_bad_manifest_file_is_refused_by_name(
    tmp_path: Path, text: str | None, message: str
) -> None:
    name = shop_package(tmp_path, text)
    with pytest.raises(ConfigError, match=message):
        read_plugin_manifest(name)


def test_a_module_that_is_not_imported_is_named() -> None:
    with pytest.raises(PluginError, match="pass the hook module's __name__"):
        read_plugin_manifest("no_such_plugin.hooks")


def test_listing_hooks_from_the_declaration(tmp_path: Path) -> None:
    module = shop_plugin(
        tmp_path,
        # a callable object (a command group made with the platform) is called
        commands=PluginCommands("shop", "Läden verwalten."),
        datasets=[],
        navigation=NavLink("/laeden", "Läden", order=50, plugin="shop"),
        blueprints=[f"{__name__}:SHOP_PAGES", f"{__name__}:shop_api"],
        questionnaire_sections=[
            lambda platform: {
                "key": "shop",
                "title_de": f"Läden {len(platform.plugins)}",
                "title_en": "Shops",
            }
        ],
    )
    platform = platform_with(tmp_path, module)
    assert [link.href for link in ours(platform, "register_navigation")] == ["/laeden"]
    blueprints = ours(platform, "register_blueprints")
    assert blueprints[0] is SHOP_PAGES
    assert blueprints[1].name == f"shop_api_{len(platform.plugins)}"
    assert ours(platform, "register_questionnaire_sections") == [
        {"key": "shop", "title_de": f"Läden {len(platform.plugins)}", "title_en": "Shops"}
    ]
    package = Path(str(module.__file__)).resolve().parent
    assert platform.migration_folders()["shop"] == [str(package / "migrations")]
    assert [group.name for group in ours(platform, "register_commands")] == ["shop"]
    # what the declaration leaves out is not implemented at all
    assert "register_datasets" not in module.__dict__
    assert "register_filters" not in module.__dict__


def test_filters_layers_and_profile_section_get_the_service(tmp_path: Path) -> None:
    module = shop_plugin(
        tmp_path,
        filters=shop_filters,
        # a reference is imported on the first call
        layers=f"{__name__}:shop_layers",
        profile_section=shop_section,
    )
    platform = platform_with(tmp_path, module, radius_m=300)
    assert platform.filters["shop_near"].label("en") == "Shop within 300 m"
    features = platform.layer_features("shop_shops", None, "en")
    assert [f["properties"]["radius"] for f in features] == [300]
    assert features[0]["properties"]["popup"]["title"] == "Bakery"
    placed = Company(
        name="Markt GmbH (fiktiv)",
        address=Address(street="Markt 1", postcode="45657"),
        location=Location(51.6141, 7.1979),
    )
    sections = [s for s in platform.profile_sections(placed, "de") if s.plugin == "shop"]
    assert [(s.title, s.html) for s in sections] == [("Läden in der Nähe", "<p>300 m</p>")]
    # None from profile_section: no section at all
    unplaced = Company(name="Ohne Ort GmbH (fiktiv)", address=Address(postcode="45657"))
    assert [s for s in platform.profile_sections(unplaced, "de") if s.plugin == "shop"] == []


DECLARED = f"""
[hooks]
blueprints = ["{__name__}:SHOP_PAGES", "{__name__}:shop_api"]
profile_section = "{__name__}:shop_section"

[[hooks.navigation]]
href = "/laeden"
label = "nav.shops"
order = 50

[[filters]]
key = "shop_near"
label = "filter.near.label"
kind = "bool"
help = "filter.near.help"
group = "shops"

[[filters]]
key = "shop_walk"
label = "filter.walk.label"
kind = "range"
facet = false
unit = "min"
minimum = 0

[filters.dynamic]
argument = "shop_kind"
label = "filter.walk.kind"

[[layers]]
id = "shop_shops"
label = "layer.shops"
marker = "shop"

[[layers]]
id = "shop_markets"
label = "layer.markets"
"""


def declared_filters(service: ShopService) -> dict[str, Any]:
    return {
        "shop_near": {"column": lambda source: np.ones(len(source), dtype=bool)},
        "shop_walk": {
            "dynamic": {"compute": lambda index, kind: np.zeros(len(index)), "cache_size": 4},
            "maximum": service.settings.radius_m / 80,
        },
    }


def declared_layers(service: ShopService) -> dict[str, Any]:
    def features(bbox: Any, lang: str) -> list[Any]:
        return [point_feature("shop-1", 51.61, 7.19, {}, title="Bäckerei")]

    markets = {"features": features} if service.settings.radius_m > 400 else None
    return {"shop_shops": {"features": features, "attribution": "Stadt"}, "shop_markets": markets}


def test_the_declaration_file_wires_hooks_and_holds_filter_and_layer_texts(
    tmp_path: Path,
) -> None:
    module = shop_plugin(tmp_path, DECLARED, filters=declared_filters, layers=declared_layers)
    platform = platform_with(tmp_path, module, radius_m=320)
    assert [
        (n.href, n.label("en"), n.order, n.plugin) for n in ours(platform, "register_navigation")
    ] == [("/laeden", "Shops", 50, "shop")]
    assert ours(platform, "register_blueprints")[0] is SHOP_PAGES
    near, walk = platform.filters["shop_near"], platform.filters["shop_walk"]
    assert (near.label("de"), near.kind, near.help("de"), near.group, near.plugin) == (
        "Laden in der Nähe",
        "bool",
        "Ein Laden in Gehweite.",
        "shops",
        "shop",
    )
    assert (walk.facet, walk.unit, walk.minimum, walk.maximum) == (False, "min", 0, 4.0)
    assert walk.dynamic is not None
    assert (walk.dynamic.argument, walk.dynamic.label("en"), walk.dynamic.cache_size) == (
        "shop_kind",
        "Kind of shop",
        4,
    )
    shops = platform.layer("shop_shops")
    assert (shops.label("de"), shops.marker, shops.attribution, shops.plugin) == (
        "Läden",
        "shop",
        "Stadt",
        "shop",
    )
    # a layer bound to None (here: switched off by a setting) is left out
    assert "shop_markets" not in [layer.id for layer in platform.collect("register_layers")]
    placed = Company(
        name="Markt GmbH (fiktiv)",
        address=Address(street="Markt 1", postcode="45657"),
        location=Location(51.6141, 7.1979),
    )
    assert [s.html for s in platform.profile_sections(placed, "en") if s.plugin == "shop"] == [
        "<p>320 m</p>"
    ]


def test_a_binding_without_a_declared_filter_is_named(tmp_path: Path) -> None:
    module = shop_plugin(tmp_path, DECLARED, filters=lambda service: {"shop_far": {"column": None}})
    with pytest.raises(PluginError, match="binds filters shop_far, which its plugin.toml"):
        platform_with(tmp_path, module).collect("register_filters")


def test_a_declared_field_of_a_wrong_name_is_named(tmp_path: Path) -> None:
    tables = '[[layers]]\nid = "shop_x"\nlabel = "layer.shops"\ncolor = "red"\n'
    module = shop_plugin(tmp_path, tables, layers=lambda service: {"shop_x": {"features": len}})
    with pytest.raises(PluginError, match="layers 'shop_x' of its plugin.toml cannot be made"):
        platform_with(tmp_path, module).collect("register_layers")


def test_a_layers_symbol_declared_in_the_file_reaches_the_maps(tmp_path: Path) -> None:
    tables = (
        '[[layers]]\nid = "shop_x"\nlabel = "layer.shops"\nmarker = "shop"\n'
        'colour = "#5D4037"\nshape = "shield"\nglyph = "briefcase"\n'
    )
    module = shop_plugin(tmp_path, tables, layers=lambda service: {"shop_x": {"features": len}})
    platform = platform_with(tmp_path, module)
    style = platform.layer_styles["shop_x"]
    assert (style.colour, style.shape, style.glyph, style.key) == (
        "#5d4037",
        "shield",
        "briefcase",
        "shop",
    )


def test_a_bad_symbol_in_the_file_names_the_value_and_the_fix(tmp_path: Path) -> None:
    tables = '[[layers]]\nid = "shop_x"\nlabel = "layer.shops"\ncolour = "red"\n'
    module = shop_plugin(tmp_path, tables, layers=lambda service: {"shop_x": {"features": len}})
    with pytest.raises(PluginError, match=r"layers 'shop_x' of its plugin.toml: .*#rrggbb"):
        platform_with(tmp_path, module).collect("register_layers")


@pytest.mark.parametrize(
    ("tables", "declaration", "message"),
    [
        ('[hooks]\ncommands = "os:getcwd"\n', {"commands": "os:getcwd"}, "both in"),
        ('[hooks]\ncomands = "os:getcwd"\n', {}, "unknown hook wiring comands"),
        ("", {"profile": "os:getcwd"}, "unknown hook wiring profile"),
    ],
)
def test_wiring_twice_or_by_an_unknown_name_is_refused(
    tmp_path: Path, tables: str, declaration: dict[str, Any], message: str
) -> None:
    with pytest.raises(PluginError, match=message):
        shop_plugin(tmp_path, tables, **declaration)


OLD_PAIRS = """
[[filters]]
key = "shop_near"
label_de = "Laden in der Nähe"
label_en = "Shop nearby"
kind = "bool"
help_de = "Ein Laden in Gehweite."
help_en = "A shop within walking distance."

[[layers]]
id = "shop_shops"
label_de = "Läden"
label_en = "Shops"
"""


def test_the_label_pairs_of_plugin_api_1_0_still_work_and_warn(tmp_path: Path) -> None:
    """A plugin.toml written for plugin API 1.0 (``title_de``, ``label_de`` ...) is read."""
    text = MANIFEST_TEXT.replace('title = "plugin.title"', 'title_de = "Läden"\ntitle_en = "Shops"')
    name = shop_package(tmp_path, text + OLD_PAIRS)
    with pytest.warns(DeprecationWarning, match=r"title_de and title_en are deprecated"):
        hooks = PluginHooks(
            name,
            ShopService,
            settings=ShopSettings,
            filters=lambda service: {"shop_near": declared_filters(service)["shop_near"]},
            layers=lambda service: {"shop_shops": declared_layers(service)["shop_shops"]},
        )
    assert (hooks.manifest.title("de"), hooks.manifest.title("en")) == ("Läden", "Shops")
    module = sys.modules[name]
    module.MANIFEST = hooks.manifest  # type: ignore[attr-defined]
    module.__dict__.update(hooks.implementations)
    platform = platform_with(tmp_path, module, radius_m=320)
    near = platform.filters["shop_near"]
    assert (near.label("de"), near.label("en"), near.help("en")) == (
        "Laden in der Nähe",
        "Shop nearby",
        "A shop within walking distance.",
    )
    assert platform.layer("shop_shops").label("en") == "Shops"
