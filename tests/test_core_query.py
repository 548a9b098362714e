"""Parsing URL parameters into a SearchQuery: every mistake names its parameter."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from core import BBox, InvalidQuery, Location, Platform, SearchQuery
from core.search.filters import Range


@pytest.fixture(scope="module")
def platform(make_module_platform: Callable[..., Platform]) -> Platform:
    return make_module_platform(upgrade=False)


def parse(platform: Platform, **params: str | list[str]) -> SearchQuery:
    return platform.parse_query({k: v if isinstance(v, list) else [v] for k, v in params.items()})


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"colour": "red"}, "colour"),
        ({"bbox": "7.1,51.5,7.2"}, "bbox"),
        ({"bbox": "west,south,east,north"}, "bbox"),
        ({"bbox": "7.2,51.6,7.1,51.5"}, "bbox"),  # inverted
        ({"bbox": "7.1,51.5,200,51.6"}, "bbox"),  # outside the world
        ({"bbox": "7.1,51.5,nan,51.6"}, "bbox"),
        ({"radius_km": "5"}, "radius_km"),  # no centre
        ({"near": "51.6,7.1", "radius_km": "0"}, "radius_km"),
        ({"near": "51.6,7.1", "radius_km": "500"}, "radius_km"),
        ({"near": "51.6"}, "near"),
        ({"near": "95,7.1"}, "near"),
        ({"near_postcode": "00000"}, "near_postcode"),
        ({"near_town": "Atlantis"}, "near_town"),
        ({"per_page": "201"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"page": "zwei"}, "page"),
        ({"sort": "distance"}, "sort"),  # no centre
        ({"sort": "price"}, "sort"),
        ({"zoom": "23"}, "zoom"),
        ({"lang": "fr"}, "lang"),
        ({"q": ["bäcker", "metzger"]}, "q"),  # given twice
        ({"industry": "ZZ"}, "industry"),
        ({"industry": ["C", "ZZ"]}, "industry"),
        ({"employees": "viele"}, "employees"),
        ({"employees": "50..10"}, "employees"),
        ({"employees": "-5"}, "employees"),
        ({"employees": ["5", "10"]}, "employees"),
    ],
)
def test_a_bad_parameter_is_named(platform: Platform, params: dict[str, str], key: str) -> None:
    with pytest.raises(InvalidQuery) as caught:
        parse(platform, **params)
    assert key in caught.value.errors
    assert list(caught.value.errors) == [key]
    assert key in caught.value.message or any(
        str(v) in caught.value.message for v in params.values()
    )


def test_every_bad_parameter_is_reported_at_once(platform: Platform) -> None:
    with pytest.raises(InvalidQuery) as caught:
        parse(platform, colour="red", per_page="999", bbox="x", employees="viele")
    assert set(caught.value.errors) == {"colour", "per_page", "bbox", "employees"}


def test_only_one_centre_may_be_given(platform: Platform) -> None:
    with pytest.raises(InvalidQuery) as caught:
        parse(platform, near="51.6,7.1", near_town="Marl")
    assert {"near", "near_town"} <= set(caught.value.errors)


def test_the_largest_page_follows_the_settings(make_platform: Callable[..., Platform]) -> None:
    platform = make_platform(upgrade=False, search={"max_per_page": 50, "per_page": 10})
    assert parse(platform).per_page == 10
    assert parse(platform, per_page="50").per_page == 50
    with pytest.raises(InvalidQuery) as caught:
        parse(platform, per_page="51")
    assert "per_page" in caught.value.errors


def test_a_full_query(platform: Platform) -> None:
    query = parse(
        platform,
        bbox="7.0,51.5,7.3,51.7",
        near_town="Marl",
        radius_km="7.5",
        q="  Bäckerei  ",
        zoom="12",
        sort="distance",
        page="3",
        per_page="15",
        lang="en",
        industry=["C", "F"],
        family="part_time,reentry",
        employees="10..49",
    )
    assert query.bbox == BBox(7.0, 51.5, 7.3, 51.7)
    assert query.near == platform.region.find_town("Marl").center
    assert (query.radius_km, query.text, query.zoom, query.sort) == (
        7.5,
        "Bäckerei",
        12,
        "distance",
    )
    assert (query.page, query.per_page, query.lang, query.offset) == (3, 15, "en", 30)
    assert query.filter_values == {
        "industry": ("C", "F"),
        "family": ("part_time", "reentry"),
        "employees": Range(10, 49),
    }


def test_comma_lists_equal_repeated_parameters(platform: Platform) -> None:
    assert parse(platform, industry="C,F") == parse(platform, industry=["C", "F"])
    assert parse(platform, industry=["C", "C"]).filter_values == {"industry": ("C",)}


def test_empty_values_are_no_filter(platform: Platform) -> None:
    assert parse(platform, industry="", q="", employees="  ") == parse(platform)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20", Range(20, None)),
        ("..9", Range(None, 9)),
        ("250..", Range(250, None)),
        ("2,5..7", Range(2.5, 7)),
    ],
)
def test_range_syntax(platform: Platform, value: str, expected: Range) -> None:
    assert parse(platform, employees=value).filter_values["employees"] == expected


def test_near_postcode_is_the_postcode_centroid(platform: Platform) -> None:
    query = parse(platform, near_postcode="45657", sort="distance")
    assert query.near == platform.locate_postcode("45657")
    assert query.sort == "distance"


def test_a_query_can_be_changed_with_evolve() -> None:
    """Paging through results copies the query with another page; the filters stay."""
    query = SearchQuery(filters={"industry": ("C",), "size": ("micro",)}, near=Location(51.6, 7.1))
    second = attrs.evolve(query, page=2)
    assert second.filters == query.filters
    assert second.page == 2


def test_queries_with_equal_filters_are_equal_and_hashable() -> None:
    a = SearchQuery(filters={"size": ("micro",), "industry": ("C",)})
    b = SearchQuery(filters={"industry": ("C",), "size": ("micro",)})
    assert a == b
    assert hash(a) == hash(b)
