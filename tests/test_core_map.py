"""Map output: never more symbols than max_points; clusters and points add up to the total."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from reference import Reference, RefQuery

from core import Platform, SearchQuery, SearchResult

#: (max_points, point_threshold, point_zoom)
SETTINGS = [(2000, 300, 15), (50, 30, 15), (10, 5, 12), (500, 300, 14), (50, 300, 15)]
QUERIES = [
    {},
    {"zoom": ["8"]},
    {"zoom": ["11"]},
    {"zoom": ["13"], "industry": ["G", "F"]},
    {"zoom": ["16"], "bbox": ["7.05,51.55,7.25,51.65"]},
    {"zoom": ["18"], "near_town": ["Marl"], "radius_km": ["3"]},
    {"zoom": ["0"]},
    {"bbox": ["6.85,51.45,7.46,51.82"]},
    {"near_postcode": ["45657"], "radius_km": ["1.5"]},
    {"q": ["pflege"]},
]


@pytest.fixture(scope="module")
def map_platforms(
    make_module_platform: Callable[..., Platform], dataset_url: str
) -> dict[tuple[int, int, int], Platform]:
    return {
        (max_points, threshold, point_zoom): make_module_platform(
            url=dataset_url,
            upgrade=False,
            search={
                "max_points": max_points,
                "point_threshold": threshold,
                "point_zoom": point_zoom,
            },
        )
        for max_points, threshold, point_zoom in SETTINGS
    }


def check_map(result: SearchResult, max_points: int) -> None:
    symbols = len(result.clusters) + len(result.points)
    assert symbols <= max_points, f"{symbols} map symbols, at most {max_points} allowed"
    assert sum(c.count for c in result.clusters) + len(result.points) == result.total
    assert len({p.id for p in result.points}) == len(result.points)
    for cluster in result.clusters:
        assert cluster.count >= 2
        assert cluster.south <= cluster.lat <= cluster.north
        assert cluster.west <= cluster.lon <= cluster.east


@pytest.mark.parametrize("settings", SETTINGS, ids=str)
@pytest.mark.parametrize("params", QUERIES, ids=str)
def test_map_output_is_bounded_and_complete(
    map_platforms: dict[tuple[int, int, int], Platform],
    reference: Reference,
    settings: tuple[int, int, int],
    params: dict[str, list[str]],
) -> None:
    platform = map_platforms[settings]
    result = platform.search(platform.parse_query(params))
    check_map(result, settings[0])
    # the points are hits of this search
    hits = {c.id for c in reference.companies}
    assert {p.id for p in result.points} <= hits


def test_few_hits_at_high_zoom_are_single_points(
    search_platform: Platform, reference: Reference
) -> None:
    params = {"zoom": ["16"], "near_town": ["Datteln"], "radius_km": ["2"]}
    query = search_platform.parse_query(params)
    result = search_platform.search(query)
    assert 0 < result.total <= 2000
    assert result.clusters == ()
    point = query.near
    assert point is not None
    expected = reference.result(RefQuery(near=(point.lat, point.lon), radius_km=2.0))
    assert {p.id for p in result.points} == {c.id for c in expected}


def test_many_hits_at_low_zoom_are_clustered(search_platform: Platform) -> None:
    result = search_platform.search(SearchQuery(zoom=9, per_page=1))
    assert result.total > 2000
    assert result.clusters
    assert len(result.clusters) + len(result.points) < result.total


def test_no_map_output_when_not_asked_for(search_platform: Platform) -> None:
    result = search_platform.search(SearchQuery(clusters=False, per_page=1))
    assert result.clusters == () and result.points == ()
    assert result.total > 0


def test_an_empty_result_has_no_map_output(search_platform: Platform) -> None:
    result = search_platform.search(SearchQuery(text="gibtesnichtxyz"))
    assert (result.total, result.clusters, result.points) == (0, (), ())
