"""Map output: never more symbols than max_points, no two symbols overlapping on screen, and
clusters and points adding up to the total."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from reference import Reference, RefQuery

from core import InvalidQuery, Location, Platform, Region, SearchQuery, SearchResult
from core.io.demo import demo_companies

MAX_POINTS = [2000, 50, 10]
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

#: what the start page draws (webapp/portal/static/js/portal.js): a 28 x 30 pin hanging from
#: its tip, and circles of 34, 40, 48, 56 and 64 pixels for groups of up to 9, 99, 999, 9,999
#: and more; symbols keep 2 pixels apart
PIN = (28, 30, 14, 28)
STEPS = [(9, 34), (99, 40), (999, 48), (9999, 56), (math.inf, 64)]
GAP = 2


def screen_boxes(result: SearchResult, zoom: float) -> list[tuple[float, float, float, float]]:
    """(left, top, right, bottom) of every symbol in pixels of the world map at ``zoom``."""

    def pixel(lat: float, lon: float) -> tuple[float, float]:
        scale = 256 * 2**zoom
        s = math.sin(math.radians(lat))
        return (lon + 180) / 360 * scale, (
            0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)
        ) * scale

    boxes = []
    for p in result.points:
        x, y = pixel(p.lat, p.lon)
        w, h, ax, ay = PIN
        boxes.append((x - ax, y - ay, x - ax + w, y - ay + h))
    for c in result.clusters:
        x, y = pixel(c.lat, c.lon)
        d = next(size for limit, size in STEPS if c.count <= limit)
        boxes.append((x - d / 2, y - d / 2, x + d / 2, y + d / 2))
    return boxes


def overlapping(boxes: list[tuple[float, float, float, float]]) -> list[tuple[int, int]]:
    """Every pair of boxes closer than GAP pixels (brute force)."""
    found = []
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            if (
                a[0] < b[2] + GAP - 1e-6
                and b[0] < a[2] + GAP - 1e-6
                and a[1] < b[3] + GAP - 1e-6
                and b[1] < a[3] + GAP - 1e-6
            ):
                found.append((i, j))
    return found


@pytest.fixture(scope="module")
def map_platforms(
    make_module_platform: Callable[..., Platform], dataset_url: str
) -> dict[int, Platform]:
    return {
        max_points: make_module_platform(
            url=dataset_url, upgrade=False, search={"max_points": max_points}
        )
        for max_points in MAX_POINTS
    }


def check_map(result: SearchResult, max_points: int) -> None:
    symbols = len(result.clusters) + len(result.points)
    assert symbols <= max_points, f"{symbols} map symbols, at most {max_points} allowed"
    assert sum(c.count for c in result.clusters) + len(result.points) == result.total
    listed = [p.id for p in result.points] + [m.id for c in result.clusters for m in c.members]
    assert len(set(listed)) == len(listed)
    for cluster in result.clusters:
        assert cluster.count >= 2
        assert cluster.south <= cluster.lat <= cluster.north
        assert cluster.west <= cluster.lon <= cluster.east
        if cluster.members:
            assert cluster.stack and len(cluster.members) == cluster.count
            names = [m.name for m in cluster.members]
            assert names == sorted(names, key=str.casefold) or len(set(names)) < len(names)


@pytest.mark.parametrize("max_points", MAX_POINTS, ids=str)
@pytest.mark.parametrize("params", QUERIES, ids=str)
def test_map_output_is_bounded_complete_and_never_overlaps(
    map_platforms: dict[int, Platform],
    reference: Reference,
    max_points: int,
    params: dict[str, list[str]],
) -> None:
    platform = map_platforms[max_points]
    query = platform.parse_query(params)
    result = platform.search(query)
    check_map(result, max_points)
    hits = {c.id for c in reference.companies}
    assert {p.id for p in result.points} <= hits
    if query.zoom is not None:
        # at the zoom asked for and any deeper one, symbols only move apart
        for zoom in (query.zoom, query.zoom + 0.5, query.zoom + 3):
            assert overlapping(screen_boxes(result, zoom)) == [], zoom


@pytest.mark.parametrize("zoom", range(8, 19))
def test_no_two_symbols_overlap_at_any_zoom_over_the_region(
    search_platform: Platform, zoom: int
) -> None:
    b = search_platform.region.bounds
    bbox = f"{b.west},{b.south},{b.east},{b.north}"
    result = search_platform.search(
        search_platform.parse_query({"bbox": [bbox], "zoom": [str(zoom)], "per_page": ["1"]})
    )
    check_map(result, 2000)
    boxes = screen_boxes(result, zoom)
    assert overlapping(boxes) == []
    assert result.bounds is not None


def test_far_apart_hits_are_single_points_and_close_ones_a_listed_stack(
    search_platform: Platform, reference: Reference
) -> None:
    # 1 km across: 2,700 pixels at zoom 18, one large screen
    params = {"zoom": ["18"], "near_town": ["Datteln"], "radius_km": ["0.5"]}
    query = search_platform.parse_query(params)
    result = search_platform.search(query)
    assert 0 < result.total <= 2000
    point = query.near
    assert point is not None
    expected = reference.result(RefQuery(near=(point.lat, point.lon), radius_km=0.5))
    # at the deepest zoom every group is a stack listing its companies: together with the
    # points, every hit can be reached
    assert all(c.stack and c.members for c in result.clusters)
    shown = {p.id for p in result.points} | {m.id for c in result.clusters for m in c.members}
    assert shown == {c.id for c in expected}


def test_companies_at_one_address_form_a_stack_at_every_zoom(
    make_platform: Callable[..., Platform], region: Region
) -> None:
    companies = list(demo_companies(region, 40, 3))
    for company in companies[:5]:  # five companies in one building
        company.location = Location(51.6123, 7.1987)
    platform = make_platform(companies)
    for zoom in (12, 15, 18):
        result = platform.search(SearchQuery(zoom=zoom, per_page=1))
        building = {c.name for c in companies[:5]}
        together = [c for c in result.clusters if {m.name for m in c.members} >= building]
        assert len(together) == 1 and together[0].stack, zoom
        assert overlapping(screen_boxes(result, zoom)) == []


def test_many_hits_at_low_zoom_are_clustered(search_platform: Platform) -> None:
    result = search_platform.search(SearchQuery(zoom=9, per_page=1))
    assert result.total > 2000
    assert result.clusters
    assert len(result.clusters) + len(result.points) < result.total


def test_result_bounds_hold_every_hit(search_platform: Platform, reference: Reference) -> None:
    result = search_platform.search(search_platform.parse_query({"q": ["pflege"], "zoom": ["12"]}))
    expected = reference.result(RefQuery(text="pflege"))
    assert result.bounds == (
        min(c.location.lat for c in expected),
        min(c.location.lon for c in expected),
        max(c.location.lat for c in expected),
        max(c.location.lon for c in expected),
    )


def test_no_map_output_when_not_asked_for(search_platform: Platform) -> None:
    result = search_platform.search(SearchQuery(clusters=False, per_page=1))
    assert result.clusters == () and result.points == ()
    assert result.total > 0


def test_an_empty_result_has_no_map_output(search_platform: Platform) -> None:
    result = search_platform.search(SearchQuery(text="gibtesnichtxyz"))
    assert (result.total, result.clusters, result.points) == (0, (), ())


def test_a_view_limits_the_symbols_not_the_results(
    search_platform: Platform, reference: Reference
) -> None:
    view = "7.10,51.58,7.16,51.62"
    result = search_platform.search(
        search_platform.parse_query({"view": [view], "zoom": ["15"], "per_page": ["1"]})
    )
    assert result.total == len(reference.companies)
    in_view = reference.result(RefQuery(bbox=(7.10, 51.58, 7.16, 51.62)))
    drawn = sum(c.count for c in result.clusters) + len(result.points)
    # every hit in the view is drawn, and only hits near it (a quarter of the view around it)
    assert len(in_view) <= drawn < result.total
    assert overlapping(screen_boxes(result, 15)) == []


def test_a_huge_area_at_a_deep_zoom_is_grouped_for_a_real_screen(
    search_platform: Platform,
) -> None:
    # an API call without a view at zoom 18: the region would be 150,000 pixels wide
    result = search_platform.search(SearchQuery(zoom=18, per_page=1))
    check_map(result, 2000)
    assert len(result.clusters) + len(result.points) < result.total
    assert overlapping(screen_boxes(result, 18)) == []


def test_a_bad_view_is_named(search_platform: Platform) -> None:
    with pytest.raises(InvalidQuery) as caught:
        search_platform.parse_query({"view": ["7.2,51.6,7.1,51.5"]})
    assert "view" in caught.value.errors and "view 7.2" in caught.value.message
