"""Radius and bbox edges are exact: 10 m inside is found, 10 m outside is not, edges count.

Companies are placed with the destination-point formula on the sphere (tests/reference.py),
independently of core.search.geo; centres come from the data files themselves (postcode centroids,
the region file), so near_postcode / near_town resolution is checked too.
"""

from __future__ import annotations

import csv
import itertools
import tomllib
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from reference import Reference, RefQuery, destination, haversine_m

import core
from core import BBox, Company, Location, Platform, SearchQuery, Status
from core.region import Region

CORE_DATA = Path(core.__file__).resolve().parent


def _postcode_centre(postcode: str) -> tuple[float, float]:
    with (CORE_DATA / "data" / "plz_centroids_de.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["plz"] == postcode:
                return float(row["lat"]), float(row["lon"])
    raise LookupError(postcode)


def _town_centre(name: str) -> tuple[float, float]:
    region = tomllib.loads((CORE_DATA / "regions" / "emscher_lippe.toml").read_text("utf-8"))
    (town,) = [t for t in region["towns"] if t["name"] == name]
    return float(town["center"][0]), float(town["center"][1])


#: How a user names the centre -> the URL parameter and the independently known point
CENTRES = {
    "point": ({"near": ["51.6137,7.1971"]}, (51.6137, 7.1971)),
    "postcode": ({"near_postcode": ["45657"]}, _postcode_centre("45657")),
    "town": ({"near_town": ["Marl"]}, _town_centre("Marl")),
}
RADII_KM = (0.5, 2.0, 5.0, 25.0)
BEARINGS = (0.0, 17.0, 45.0, 90.0, 101.0, 135.0, 180.0, 225.0, 263.0, 270.0, 315.0, 359.0)
MARGIN_M = 10.0
#: a far radius, from an explicit point only (the companies lie outside the region)
FAR = ("point", 150.0)


def _ring_companies() -> list[Company]:
    companies = []
    cases = [(c, r) for c in CENTRES for r in RADII_KM] + [FAR]
    for centre, radius in cases:
        lat0, lon0 = CENTRES[centre][1]
        for bearing in BEARINGS:
            for side, distance in (
                ("in", radius * 1000 - MARGIN_M),
                ("out", radius * 1000 + MARGIN_M),
            ):
                lat, lon = destination(lat0, lon0, bearing, distance)
                name = f"Ring {centre} {radius:g} km {bearing:g} {side}"
                companies.append(
                    Company(
                        name=name,
                        location=Location(lat, lon),
                        status=Status.PUBLISHED,
                        industry="M",
                    )
                )
    return companies


BOX = (7.1, 51.5, 7.2, 51.6)  # west, south, east, north


def _box_companies() -> list[Company]:
    west, south, east, north = BOX
    mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
    on_edge = {
        "corner sw": (south, west),
        "corner ne": (north, east),
        "corner nw": (north, west),
        "corner se": (south, east),
        "edge w": (mid_lat, west),
        "edge e": (mid_lat, east),
        "edge s": (south, mid_lon),
        "edge n": (north, mid_lon),
    }
    eps = 1e-6  # about 0.1 m
    just_outside = {
        "outside w": (mid_lat, west - eps),
        "outside e": (mid_lat, east + eps),
        "outside s": (south - eps, mid_lon),
        "outside n": (north + eps, mid_lon),
        "outside corner": (north + eps, east + eps),
    }
    return [
        Company(
            name=f"Box {label}", location=Location(lat, lon), status=Status.PUBLISHED, industry="G"
        )
        for label, (lat, lon) in (on_edge | just_outside).items()
    ]


@pytest.fixture(scope="module")
def geo_companies() -> list[Company]:
    companies = _ring_companies() + _box_companies()
    for number, company in enumerate(companies, start=1):
        company.id = number
        company.slug = f"geo-{number}"
    return companies


@pytest.fixture(scope="module")
def geo_platform(
    make_module_platform: Callable[..., Platform], geo_companies: list[Company]
) -> Platform:
    return make_module_platform(geo_companies)


def _all_hits(platform: Platform, params: dict[str, list[str]]) -> dict[str, float | None]:
    query = platform.parse_query({**params, "per_page": ["200"]})
    names: dict[str, float | None] = {}
    result = platform.search(query)
    for page in range(1, result.pages + 1):
        for hit in platform.search(attrs.evolve(query, page=page)).items:
            names[hit.name] = hit.distance_m
    assert len(names) == result.total
    return names


@pytest.mark.parametrize(
    ("centre", "radius"),
    [*itertools.product(CENTRES, RADII_KM), FAR],
    ids=lambda v: str(v),
)
def test_radius_edge_is_exact(
    geo_platform: Platform,
    geo_companies: list[Company],
    region: Region,
    centre: str,
    radius: float,
) -> None:
    params, point = CENTRES[centre]
    found = _all_hits(geo_platform, {**params, "radius_km": [f"{radius:g}"]})
    for bearing in BEARINGS:
        inside = f"Ring {centre} {radius:g} km {bearing:g} in"
        outside = f"Ring {centre} {radius:g} km {bearing:g} out"
        assert inside in found, f"{inside} ({radius * 1000 - MARGIN_M:.0f} m) was not found"
        assert outside not in found, f"{outside} ({radius * 1000 + MARGIN_M:.0f} m) was found"
        assert found[inside] == pytest.approx(radius * 1000 - MARGIN_M, abs=0.06)
    # and nothing else is wrong: the whole result is the brute-force set
    expected = Reference(geo_companies, region).result(RefQuery(near=point, radius_km=radius))
    assert set(found) == {c.name for c in expected}


@pytest.mark.parametrize("centre", list(CENTRES))
def test_centre_resolution_uses_the_published_point(geo_platform: Platform, centre: str) -> None:
    params, point = CENTRES[centre]
    query = geo_platform.parse_query(params)
    assert query.near is not None
    assert (query.near.lat, query.near.lon) == pytest.approx(point, abs=1e-9)


def test_distance_sort_lists_the_nearest_first(geo_platform: Platform) -> None:
    params, point = CENTRES["town"]
    query = geo_platform.parse_query(
        {**params, "radius_km": ["2"], "sort": ["distance"], "per_page": ["200"]}
    )
    hits = geo_platform.search(query).items
    distances = [haversine_m(*point, h.lat, h.lon) for h in hits]
    assert distances == sorted(distances)
    assert len(hits) >= len(BEARINGS)


def test_bbox_edges_are_inclusive(geo_platform: Platform) -> None:
    found = _all_hits(geo_platform, {"bbox": [",".join(map(str, BOX))]})
    box = {name for name in found if name.startswith("Box ")}
    assert box == {
        "Box corner sw",
        "Box corner ne",
        "Box corner nw",
        "Box corner se",
        "Box edge w",
        "Box edge e",
        "Box edge s",
        "Box edge n",
    }


def test_bbox_result_is_the_brute_force_set(
    geo_platform: Platform, geo_companies: list[Company], region: Region
) -> None:
    found = _all_hits(geo_platform, {"bbox": [",".join(map(str, BOX))]})
    expected = Reference(geo_companies, region).result(RefQuery(bbox=BOX))
    assert set(found) == {c.name for c in expected}


def test_bbox_and_radius_together_give_the_intersection(
    geo_platform: Platform, geo_companies: list[Company], region: Region
) -> None:
    params, point = CENTRES["point"]
    found = _all_hits(
        geo_platform, {**params, "radius_km": ["5"], "bbox": [",".join(map(str, BOX))]}
    )
    expected = Reference(geo_companies, region).result(
        RefQuery(near=point, radius_km=5.0, bbox=BOX)
    )
    assert set(found) == {c.name for c in expected}
    assert found  # the box and the circle overlap


def test_companies_layer_honours_the_bbox(geo_platform: Platform) -> None:
    layer = geo_platform.layers["companies"]
    west, south, east, north = BOX
    features = layer.features(BBox(west, south, east, north), "de")
    names = {f["properties"]["name"] for f in features}
    assert {n for n in names if n.startswith("Box ")} == {
        "Box corner sw",
        "Box corner ne",
        "Box corner nw",
        "Box corner se",
        "Box edge w",
        "Box edge e",
        "Box edge s",
        "Box edge n",
    }
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        assert west <= lon <= east and south <= lat <= north


def test_search_without_area_finds_rings_everywhere(
    geo_platform: Platform, geo_companies: list[Company]
) -> None:
    result = geo_platform.search(SearchQuery(per_page=1, clusters=False))
    assert result.total == len(geo_companies)
