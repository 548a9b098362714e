"""The region: the default is Emscher-Lippe with its twelve municipalities; a region is data."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

import core
from core import ConfigError, GeocodingError, NotFound, Platform, Region, load_settings
from core.region import default_region, load_region
from core.search.geocoding import PostcodeGeocoder

TESTS = Path(__file__).resolve().parent

#: The official municipality keys (Amtliche Gemeindeschlüssel) of the region.
EMSCHER_LIPPE = {
    "05512000": "Bottrop",
    "05513000": "Gelsenkirchen",
    "05562004": "Castrop-Rauxel",
    "05562008": "Datteln",
    "05562012": "Dorsten",
    "05562014": "Gladbeck",
    "05562016": "Haltern am See",
    "05562020": "Herten",
    "05562024": "Marl",
    "05562028": "Oer-Erkenschwick",
    "05562032": "Recklinghausen",
    "05562036": "Waltrop",
}


def test_default_region_has_exactly_the_twelve_municipalities(region: Region) -> None:
    assert len(region.towns) == 12
    assert {t.ags: t.name for t in region.towns} == EMSCHER_LIPPE
    assert {t.ags[:5] for t in region.towns} == {"05512", "05513", "05562"}
    assert sum(t.ags.startswith("05562") for t in region.towns) == 10


def test_towns_and_centre_lie_within_the_bounds(region: Region) -> None:
    b = region.bounds
    for place in [region.center, *(t.center for t in region.towns)]:
        assert b.south <= place.lat <= b.north
        assert b.west <= place.lon <= b.east


def _postcodes(region: Region) -> list[tuple[str, str]]:
    return [(t.name, p) for t in region.towns for p in t.postcodes]


@pytest.mark.parametrize(("town", "postcode"), _postcodes(default_region()))
def test_every_postcode_of_the_region_resolves(region: Region, town: str, postcode: str) -> None:
    location = PostcodeGeocoder().locate_postcode(postcode)
    b = region.bounds
    assert b.south <= location.lat <= b.north and b.west <= location.lon <= b.east
    assert region.town_for_postcode(postcode).name == town


def test_the_region_lists_every_postcode_of_its_towns(region: Region) -> None:
    """Checked against the shipped postcode list itself: a postcode whose place is a town of
    the region and whose centroid lies in the region belongs to that town."""
    data = Path(core.__file__).resolve().parent / "data"
    with (data / "plz_orte_de.csv").open(encoding="utf-8") as f:
        places = [(row["plz"], row["ort"]) for row in csv.DictReader(f)]
    names = {t.name for t in region.towns}
    b = region.bounds
    geocoder = PostcodeGeocoder()
    expected = set()
    for postcode, place in places:
        if place in names:
            location = geocoder.locate_postcode(postcode)
            if b.south <= location.lat <= b.north and b.west <= location.lon <= b.east:
                expected.add((place, postcode))
    assert set(_postcodes(region)) == expected


def test_a_postcode_outside_the_region_has_no_town(region: Region) -> None:
    assert region.town_for_postcode("44135") is None  # Dortmund


@pytest.mark.parametrize("text", ["Marl", "marl", " MARL ", "05562024"])
def test_towns_are_found_by_name_or_key(region: Region, text: str) -> None:
    assert region.find_town(text).ags == "05562024"


def test_towns_are_found_by_slug(region: Region) -> None:
    assert region.find_town("haltern-am-see").name == "Haltern am See"
    assert region.find_town("oer-erkenschwick").ags == "05562028"


def test_an_unknown_town_lists_the_towns(region: Region) -> None:
    with pytest.raises(NotFound) as caught:
        region.find_town("Dortmund")
    assert "Dortmund" in caught.value.message
    assert "Gelsenkirchen" in caught.value.message


def test_platform_locates_towns_and_postcodes(tmp_path: Path) -> None:
    settings = load_settings(
        env={}, overrides={"portal": {"database_url": f"sqlite:///{tmp_path / 'r.db'}"}}
    )
    platform = Platform(settings)
    assert platform.locate_town("Waltrop") == default_region().find_town("Waltrop").center
    # a neighbouring city is a search centre too (the place search knows it)
    essen = platform.locate_town("Essen")
    assert 51.4 < essen.lat < 51.5 and 6.9 < essen.lon < 7.1
    with pytest.raises(GeocodingError):
        platform.locate_town("Atlantis")
    with pytest.raises(GeocodingError) as caught:
        platform.locate_postcode("00000")
    assert "00000" in caught.value.message


def test_a_region_file_defines_another_region() -> None:
    region = load_region(TESTS / "data" / "tiny_region.toml")
    assert region.name == "Testkreis"
    assert [t.name for t in region.towns] == ["Nordstadt", "Südheim"]
    assert region.find_town("Südheim").postcodes == ("45659", "45661")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda text: text.replace('ags = "09999002"', 'ags = "09999001"'), "twice"),
        (
            lambda text: text.replace("bounds = [51.55, 7.10, 51.65, 7.30]", "bounds = [51.55]"),
            "bounds",
        ),
        (lambda text: text.replace('name = "Testkreis"\n', ""), "name"),
    ],
)
def test_a_broken_region_file_is_explained(
    tmp_path: Path, change: Callable[[str], str], needle: str
) -> None:
    text = (TESTS / "data" / "tiny_region.toml").read_text(encoding="utf-8")
    path = tmp_path / "region.toml"
    path.write_text(change(text), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_region(path)
    assert needle in caught.value.message


def test_a_missing_region_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_region(tmp_path / "nirgends.toml")
    assert "nirgends.toml" in caught.value.message
