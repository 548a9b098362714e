"""The plugin system: every hook has a user, settings are checked, problems are reported at once."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from checks import assert_search_matches
from click.testing import CliRunner
from fake_plugins import misspelled, no_manifest
from fake_plugins.fake import KINDS, FakePlugin
from fake_plugins.second import (
    ClashPlugin,
    FuturePlugin,
    MisnamedPlugin,
    NeedsFakePlugin,
    NoSettingsPlugin,
    SecondPlugin,
)
from reference import ANY, BOOL, CHOICE, RANGE, Between, Reference, RefFilter, RefQuery

from core import (
    Address,
    BBox,
    Company,
    ConfigError,
    GeocodingError,
    Location,
    Platform,
    PluginError,
    ProfileSection,
    Settings,
    Status,
    ValidationError,
    builtin,
    load_settings,
)
from core.io.demo import demo_companies
from core.plugins import hookspecs
from core.plugins.manager import make_plugin_manager
from core.region import Region
from core.search.geocoding import PostcodeGeocoder


def fakes() -> dict[str, Any]:
    """Every test plugin by the name it is installed under."""
    return {
        "fake": FakePlugin(blueprint=object()),
        "fake_second": SecondPlugin(),
        "fake_needs": NeedsFakePlugin(),
        "fake_future": FuturePlugin(),
        "fake_misnamed": MisnamedPlugin(),
        "fake_plain": NoSettingsPlugin(),
        "fake_misspelled": misspelled,
        "fake_nomanifest": no_manifest,
        "fake_clash": ClashPlugin(),
    }


def plugin_settings(tmp_path: Path, enabled: list[str], **options: Any) -> Settings:
    return load_settings(
        env={},
        overrides={
            "portal": {"database_url": f"sqlite:///{tmp_path / 'plugins.db'}"},
            "plugins": {"enabled": enabled, **options},
        },
    )


def plugin_error(tmp_path: Path, enabled: list[str], **options: Any) -> PluginError:
    settings = plugin_settings(tmp_path, enabled, **options)
    with pytest.raises(PluginError) as caught:
        Platform(settings, extra_plugins=fakes())
    return caught.value


# --- every hook ----------------------------------------------------------------------------------


def hookspec_names() -> set[str]:
    return {
        name
        for name in dir(hookspecs)
        if hasattr(getattr(hookspecs, name), f"{hookspecs.PROJECT}_spec")
    }


def test_the_fake_plugin_implements_every_hook(tmp_path: Path) -> None:
    platform = Platform(plugin_settings(tmp_path, ["fake"]), extra_plugins=fakes())
    fake = platform.plugin("fake")
    assert set(fake.hook_names(platform.pm)) == hookspec_names()
    assert fake.origin == "test"
    assert len(hookspec_names()) >= 6


def test_core_is_a_plugin_on_the_same_hooks(tmp_path: Path) -> None:
    platform = Platform(plugin_settings(tmp_path, []), extra_plugins=fakes())
    assert [p.name for p in platform.plugins] == ["core"]
    core_plugin = platform.plugin("core")
    assert {"register_filters", "register_layers"} <= set(core_plugin.hook_names(platform.pm))
    assert "companies" in platform.layers


# --- a plugin filter in search and facets ---------------------------------------------------------


def _fake_extension(company: Company) -> dict[str, Any]:
    return company.extensions.get("fake", {})


FAKE_FILTERS = {
    "fake_nearby": RefFilter(BOOL, ANY, lambda c: bool(_fake_extension(c).get("nearby"))),
    "fake_kind": RefFilter(
        CHOICE,
        ANY,
        lambda c: {k} if (k := _fake_extension(c).get("kind")) else set(),
        tuple(k.value for k in KINDS),
    ),
    "fake_walk": RefFilter(
        RANGE,
        ANY,
        lambda c: math.nan if (w := _fake_extension(c).get("walk_min")) is None else float(w),
        faceted=False,
    ),
}


@pytest.fixture
def plugin_companies(region: Region) -> list[Company]:
    rng = random.Random(3)
    companies = list(demo_companies(region, 400, 21))
    for number, company in enumerate(companies, start=1):
        company.id = number
        extension: dict[str, Any] = {}
        if rng.random() < 0.8:
            extension["nearby"] = rng.random() < 0.4
        if rng.random() < 0.7:
            extension["kind"] = rng.choice(["krippe", "kita", "hort"])
        if rng.random() < 0.7:
            extension["walk_min"] = rng.randint(1, 40)
        if extension:
            company.extensions = {"fake": extension}
    return companies


@pytest.fixture
def plugin_platform(
    make_platform: Callable[..., Platform], plugin_companies: list[Company]
) -> Platform:
    return make_platform(plugin_companies, extra_plugins=fakes(), plugins={"enabled": ["fake"]})


@pytest.mark.parametrize("seed", range(12))
def test_plugin_filters_work_in_search_and_facets(
    plugin_platform: Platform, plugin_companies: list[Company], region: Region, seed: int
) -> None:
    rng = random.Random(seed)
    reference = Reference(plugin_companies, region, extra_filters=FAKE_FILTERS)
    filters: dict[str, Any] = {}
    if rng.random() < 0.6:
        filters["fake_nearby"] = True
    if rng.random() < 0.6:
        filters["fake_kind"] = tuple(
            sorted(rng.sample(["krippe", "kita", "hort"], rng.randint(1, 2)))
        )
    if rng.random() < 0.5:
        filters["fake_walk"] = Between(None, float(rng.randint(5, 30)))
    if rng.random() < 0.4:
        filters["size"] = ("micro",)
    if rng.random() < 0.3:
        filters["family"] = ("part_time",)
    ref_query = RefQuery(filters=filters)
    result = assert_search_matches(plugin_platform, reference, ref_query)
    assert {"fake_nearby", "fake_kind"} <= set(result.facets)
    assert "fake_walk" not in result.facets


@pytest.mark.parametrize(
    ("value", "low", "high"), [("10", None, 10), ("5..20", 5, 20), ("30..", 30, None)]
)
def test_plugin_range_filter_from_url(
    plugin_platform: Platform,
    plugin_companies: list[Company],
    region: Region,
    value: str,
    low: int | None,
    high: int | None,
) -> None:
    reference = Reference(plugin_companies, region, extra_filters=FAKE_FILTERS)
    result = plugin_platform.search(plugin_platform.parse_query({"fake_walk": [value]}))
    expected = reference.result(RefQuery(filters={"fake_walk": Between(low, high)}))
    assert result.total == len(expected) > 0


def test_plugin_bool_filter_from_url(
    plugin_platform: Platform, plugin_companies: list[Company], region: Region
) -> None:
    reference = Reference(plugin_companies, region, extra_filters=FAKE_FILTERS)
    nearby = plugin_platform.search(plugin_platform.parse_query({"fake_nearby": ["ja"]}))
    everyone = plugin_platform.search(plugin_platform.parse_query({"fake_nearby": ["false"]}))
    assert nearby.total == len(reference.result(RefQuery(filters={"fake_nearby": True})))
    assert everyone.total == len(reference.companies) > nearby.total > 0
    facet = nearby.facets["fake_nearby"]
    assert [(v.value, v.count, v.selected) for v in facet] == [("true", nearby.total, True)]


# --- settings, layers, commands, blueprints, events -----------------------------------------------


def test_plugin_settings_are_validated_and_reach_the_plugin(tmp_path: Path) -> None:
    settings = plugin_settings(
        tmp_path, ["fake"], fake={"radius_m": 750, "label": "Kitas", "api_token": "geheim"}
    )
    platform = Platform(settings, extra_plugins=fakes())
    assert platform.plugin_settings("fake").radius_m == 750
    layer = platform.layers["fake_places"]
    assert layer.label("de") == "Kitas"
    features = layer.features(None, "de")
    assert {f["properties"]["radius_m"] for f in features} == {750}
    # secrets are not shown
    assert platform.plugin("fake").settings_dict()["api_token"] == "***"
    assert platform.plugin("fake").settings_dict(redact=False)["api_token"] == "geheim"


def test_plugin_defaults_apply_without_a_settings_table(tmp_path: Path) -> None:
    platform = Platform(plugin_settings(tmp_path, ["fake"]), extra_plugins=fakes())
    assert platform.plugin_settings("fake").radius_m == 500


def test_plugin_layer_answers_per_box_and_language(tmp_path: Path) -> None:
    platform = Platform(plugin_settings(tmp_path, ["fake"]), extra_plugins=fakes())
    layer = platform.layers["fake_places"]
    assert layer.plugin == "fake"
    around_recklinghausen = BBox(7.1, 51.55, 7.3, 51.65)
    features = layer.features(around_recklinghausen, "en")
    assert [f["properties"]["name"] for f in features] == ["Day care at the market"]
    lon, lat = features[0]["geometry"]["coordinates"]
    assert (lat, lon) == (51.6138, 7.1974)
    assert len(layer.features(None, "de")) == 3


def test_plugin_command_runs(tmp_path: Path) -> None:
    platform = Platform(
        plugin_settings(tmp_path, ["fake"], fake={"label": "Kitas"}), extra_plugins=fakes()
    )
    (group,) = platform.collect("register_commands")
    assert isinstance(group, click.Group)
    assert group.name == "fake"
    result = CliRunner().invoke(group, ["hello", "--name", "Marl"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Hallo Marl from Kitas (radius 500 m)"


def test_blueprints_are_passed_on_untouched(tmp_path: Path) -> None:
    plugins = fakes()
    platform = Platform(plugin_settings(tmp_path, ["fake"]), extra_plugins=plugins)
    assert platform.collect("register_blueprints") == [plugins["fake"].blueprint]
    assert platform.collect("register_blueprints")[0] is plugins["fake"].blueprint


def test_company_changed_is_called_after_the_commit(make_platform: Callable[..., Platform]) -> None:
    plugins = fakes()
    platform = make_platform(extra_plugins=plugins, plugins={"enabled": ["fake"]})
    fake: FakePlugin = plugins["fake"]
    saved = platform.save_company(Company(name="Ereignis GmbH", status=Status.PUBLISHED))
    assert saved.id is not None
    saved.description = "Geändert"
    platform.save_company(saved)
    platform.delete_company(saved.id)
    assert fake.events == [
        (saved.id, False, True),
        (saved.id, False, True),
        (saved.id, True, False),
    ]


def test_a_failed_save_tells_no_plugin(make_platform: Callable[..., Platform]) -> None:
    plugins = fakes()
    platform = make_platform(extra_plugins=plugins, plugins={"enabled": ["fake"]})
    with pytest.raises(ValidationError):
        platform.save_company(Company(name="", status=Status.PUBLISHED))
    assert plugins["fake"].events == []


def test_plugin_geocoder_is_chosen_by_the_setting(tmp_path: Path) -> None:
    settings = plugin_settings(tmp_path, ["fake"])
    settings.geocoding.provider = "fake_geo"
    platform = Platform(settings, extra_plugins=fakes())
    assert platform.geocoder.name == "fake_geo"
    assert platform.geocoder.locate(Address(street="Teststraße 1")) == Location(51.6, 7.2)
    with pytest.raises(GeocodingError):
        platform.geocoder.locate(Address(street="Nirgendwo 5"))
    # a postcode as a search centre still means its centroid
    assert platform.locate_postcode("45657") == PostcodeGeocoder().locate_postcode("45657")


def test_unknown_geocoder_lists_the_available_ones(tmp_path: Path) -> None:
    settings = plugin_settings(tmp_path, ["fake"])
    settings.geocoding.provider = "mapbox"
    with pytest.raises(ConfigError) as caught:
        Platform(settings, extra_plugins=fakes())
    assert "'mapbox'" in caught.value.message
    assert "fake_geo" in caught.value.message and "postcode" in caught.value.message


@pytest.mark.parametrize(("lang", "title"), [("de", "Kinderbetreuung"), ("en", "Day care")])
def test_profile_sections_come_in_order_and_language(tmp_path: Path, lang: str, title: str) -> None:
    platform = Platform(plugin_settings(tmp_path, ["fake"]), extra_plugins=fakes())
    company = Company(
        name="Kita <Spatz> & Co", status=Status.PUBLISHED, extensions={"fake": {"nearby": True}}
    )
    sections = platform.profile_sections(company, lang)
    assert [s.id for s in sections] == ["fake-care", "fake-nearby"]
    assert sections[0].title == title
    assert "&lt;Spatz&gt; &amp; Co" in sections[0].html
    plain = Company(name="Ohne Kita", status=Status.PUBLISHED)
    assert [s.id for s in platform.profile_sections(plain, lang)] == ["fake-care"]


def test_a_section_from_parts_is_named_after_its_plugin_and_empty_parts_show_nothing() -> None:
    section = ProfileSection.from_parts("shops", "Läden", ["<h3>A</h3>", "<p>B</p>"], order=40)
    assert section == ProfileSection("shops", "Läden", "<h3>A</h3><p>B</p>", "shops", 40)
    assert ProfileSection.from_parts("shops", "Läden", []) is None
    with pytest.raises(ConfigError, match="Profile section id 'Shops!'"):
        ProfileSection.from_parts("Shops!", "Läden", ["<p>B</p>"])


def test_a_section_stands_after_core_or_on_top_and_nowhere_else() -> None:
    assert ProfileSection("shops", "Läden", "<p>B</p>").placement == "main"
    top = ProfileSection.from_parts("shops", "Läden", ["<p>B</p>"], placement="top")
    assert top is not None and top.placement == "top"
    with pytest.raises(ConfigError, match="placement 'side'; use one of 'main', 'top'"):
        ProfileSection.from_parts("shops", "Läden", ["<p>B</p>"], placement="side")


# --- order ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("enabled", [["fake", "fake_second"], ["fake_second", "fake"]])
def test_plugin_order_follows_the_config(tmp_path: Path, enabled: list[str]) -> None:
    platform = Platform(plugin_settings(tmp_path, enabled), extra_plugins=fakes())
    assert [p.name for p in platform.plugins] == ["core", *enabled]
    keys = [spec.key for spec in platform.filters]
    owners = [spec.plugin for spec in platform.filters]
    # core's filters first, then each plugin's, in config order
    assert owners == sorted(owners, key=["core", *enabled].index)
    assert keys[:3] == ["q", "bbox", "near"]
    layers = [layer.plugin for layer in platform.layers.values()]
    assert layers == ["core", *enabled]


# --- problems ----------------------------------------------------------------------------------


def test_unknown_plugin_is_named(tmp_path: Path) -> None:
    error = plugin_error(tmp_path, ["kindergarten"])
    assert "'kindergarten'" in error.message
    assert "not installed" in error.message
    assert isinstance(error, ConfigError)


def test_wrong_setting_type_names_plugin_and_key(tmp_path: Path) -> None:
    error = plugin_error(tmp_path, ["fake"], fake={"radius_m": "weit"})
    assert "'fake'" in error.message
    assert "radius_m" in error.message
    assert any("radius_m" in problem for problem in error.errors["plugins"])


def test_rules_across_settings_are_reported_at_start_up_with_the_rest(tmp_path: Path) -> None:
    """A settings class's problems() is checked when the platform starts, not on first use."""
    error = plugin_error(
        tmp_path, ["childcare", "kindergarten"], childcare={"radii_km": [5.0, 1.0]}
    )
    assert "plugin 'childcare': plugins.childcare.radii_km: distances must be ascending" in (
        error.message
    )
    assert "'kindergarten'" in error.message  # reported together with the other problem


def test_unknown_setting_is_named(tmp_path: Path) -> None:
    error = plugin_error(tmp_path, ["fake"], fake={"radius": 100})
    assert "'fake'" in error.message
    assert "radius" in error.message


def test_settings_for_a_plugin_without_settings_are_rejected(tmp_path: Path) -> None:
    error = plugin_error(tmp_path, ["fake_plain"], fake_plain={"colour": "blue"})
    assert "'fake_plain'" in error.message
    assert "colour" in error.message


def test_settings_for_a_plugin_that_is_not_installed_are_rejected(tmp_path: Path) -> None:
    error = plugin_error(tmp_path, [], transitt={"gtfs": "feed.zip"})
    assert "plugins.transitt" in error.message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    error = plugin_error(
        tmp_path,
        ["nosuch", "fake_needs", "fake", "fake_future", "fake_nomanifest"],
        fake={"radius_m": "weit"},
    )
    problems = error.errors["plugins"]
    assert len(problems) == 5
    for needle in ("'nosuch'", "'fake_needs'", "radius_m", "'fake_future'", "'fake_nomanifest'"):
        assert needle in error.message
        assert sum(needle in p for p in problems) == 1, needle


def test_missing_required_plugin_is_reported(tmp_path: Path) -> None:
    error = plugin_error(tmp_path, ["fake_needs"])
    assert "'fake_needs' requires plugin 'fake'" in error.message


def test_required_plugin_must_come_first(tmp_path: Path) -> None:
    error = plugin_error(tmp_path, ["fake_needs", "fake"])
    assert "'fake_needs'" in error.message
    assert "before" in error.message
    Platform(plugin_settings(tmp_path, ["fake", "fake_needs"]), extra_plugins=fakes())


def test_misspelled_hook_is_rejected(tmp_path: Path) -> None:
    error = plugin_error(tmp_path, ["fake_misspelled"])
    assert "register_filter" in error.message
    assert "does not exist" in error.message


def test_plugin_without_manifest_is_rejected(tmp_path: Path) -> None:
    error = plugin_error(tmp_path, ["fake_nomanifest"])
    assert "'fake_nomanifest'" in error.message
    assert "MANIFEST" in error.message


def test_plugin_for_another_api_version_is_rejected(tmp_path: Path) -> None:
    error = plugin_error(tmp_path, ["fake_future"])
    assert "'fake_future'" in error.message
    assert "2.0" in error.message


def test_manifest_name_must_match_the_installed_name(tmp_path: Path) -> None:
    error = plugin_error(tmp_path, ["fake_misnamed"])
    assert "'something_else'" in error.message


@pytest.mark.parametrize("enabled", [["core"], ["fake", "fake"]])
def test_core_or_a_plugin_twice_is_rejected(tmp_path: Path, enabled: list[str]) -> None:
    error = plugin_error(tmp_path, enabled)
    assert f"'{enabled[-1]}'" in error.message


def test_filter_key_clash_names_both_plugins(tmp_path: Path) -> None:
    settings = plugin_settings(tmp_path, ["fake", "fake_clash"])
    with pytest.raises(ConfigError) as caught:
        Platform(settings, extra_plugins=fakes())
    assert "'fake_nearby'" in caught.value.message
    assert "fake" in caught.value.message and "fake_clash" in caught.value.message


def test_layer_id_clash_names_both_plugins(tmp_path: Path) -> None:
    plugins = {**fakes(), "fake_clash": ClashPlugin(filters=False, layers=True)}
    settings = plugin_settings(tmp_path, ["fake", "fake_clash"])
    with pytest.raises(ConfigError) as caught:
        Platform(settings, extra_plugins=plugins)
    assert "'fake_places'" in caught.value.message
    assert "fake_clash" in caught.value.message


def test_plugin_manager_is_fresh_per_platform(tmp_path: Path) -> None:
    first, _ = make_plugin_manager(
        plugin_settings(tmp_path, ["fake"]), builtin=builtin, extra=fakes()
    )
    second, _ = make_plugin_manager(plugin_settings(tmp_path, []), builtin=builtin, extra=fakes())
    assert first is not second
    assert second.get_plugin("fake") is None
    assert first.get_plugin("fake") is not None


def test_installed_plugins_are_not_enabled_unless_named(tmp_path: Path) -> None:
    platform = Platform(plugin_settings(tmp_path, []), extra_plugins=fakes())
    assert not any(spec.plugin != "core" for spec in platform.filters)
    assert platform.collect("register_blueprints") == []
    assert "fake_places" not in platform.layers
