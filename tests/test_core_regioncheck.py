"""The region check every importer runs: real coordinates in and outside Emscher-Lippe, the
distances compared with a brute-force search along the region's border."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

import core
from core import OutsideRegionError, Region, check_in_region, haversine_m
from core.search.geocoding import postcode_centroids
from core.search.regioncheck import MAX_OUTSIDE_SHARE, TOLERANCE_KM, distance_from_region_km

TESTS = Path(__file__).resolve().parent
FLENSBURG = TESTS / "plugins" / "childcare" / "data" / "kitas_flensburg.geojson"


def flensburg_points() -> tuple[list[float], list[float]]:
    features = json.loads(FLENSBURG.read_text(encoding="utf-8"))["features"]
    return (
        [f["geometry"]["coordinates"][1] for f in features],
        [f["geometry"]["coordinates"][0] for f in features],
    )


def region_postcode_points(region: Region) -> tuple[list[float], list[float]]:
    centres = postcode_centroids()
    places = [centres[p] for t in region.towns for p in t.postcodes if p in centres]
    return [p.lat for p in places], [p.lon for p in places]


def brute_force_km(region: Region, lat: float, lon: float) -> float:
    """Distance to the region's bounds by walking their border in small steps."""
    b = region.bounds
    if b.south <= lat <= b.north and b.west <= lon <= b.east:
        return 0.0
    steps = np.linspace(0.0, 1.0, 20001)
    border_lat = np.concatenate(
        [
            np.full_like(steps, b.south),
            np.full_like(steps, b.north),
            b.south + steps * (b.north - b.south),
            b.south + steps * (b.north - b.south),
        ]
    )
    border_lon = np.concatenate(
        [
            b.west + steps * (b.east - b.west),
            b.west + steps * (b.east - b.west),
            np.full_like(steps, b.west),
            np.full_like(steps, b.east),
        ]
    )
    return float(haversine_m(lat, lon, border_lat, border_lon).min() / 1000.0)


def test_the_region_s_own_postcodes_pass_without_a_warning(region: Region) -> None:
    lat, lon = region_postcode_points(region)
    assert len(lat) == 42  # every postcode of the twelve towns
    check = check_in_region(region, lat, lon, what="companies")
    assert (check.located, check.outside, check.warnings) == (len(lat), 0, ())
    assert check.median_km == 0.0


def test_real_kitas_400_km_away_are_refused_naming_the_distance(region: Region) -> None:
    lat, lon = flensburg_points()
    expected = sorted(brute_force_km(region, a, o) for a, o in zip(lat, lon, strict=True))
    with pytest.raises(OutsideRegionError) as caught:
        check_in_region(region, lat, lon, what="Kitas", name="kitas_flensburg.geojson")
    error = caught.value
    assert isinstance(error, core.ImportError_)
    # an independent median: brute force along the border, within a few hundred metres
    assert error.median_km == pytest.approx(float(np.median(expected)), abs=0.5)
    assert 340 < error.median_km < 370  # 400 km from the centre, 355 km from the border
    shown = f"{error.median_km:,.0f} km"
    assert shown in error.message
    assert "70 of 70 Kitas lie outside Emscher-Lippe" in error.message
    assert "--allow-outside-region" in error.message
    assert error.message.startswith("kitas_flensburg.geojson: ")
    assert error.errors == {"region": [error.message]}


def test_allowed_data_outside_passes_with_a_warning(region: Region) -> None:
    lat, lon = flensburg_points()
    check = check_in_region(region, lat, lon, what="Kitas", allow_outside=True)
    assert check.allowed_outside and check.mostly_outside
    assert check.outside == check.located == 70
    [warning] = check.warnings
    assert "70 of 70 Kitas lie outside Emscher-Lippe" in warning and "--allow-outside" in warning


def test_a_minority_of_outliers_is_named_not_refused(region: Region) -> None:
    lat, lon = region_postcode_points(region)
    flat, flon = flensburg_points()
    # companies with 9,000 km away coordinates (lat/lon of Cairns) and one in Flensburg
    lat = [*lat, -16.92, flat[0], None]
    lon = [*lon, 145.77, flon[0], None]
    labels = [f"line {n}" for n in range(2, len(lat) + 2)]
    check = check_in_region(region, lat, lon, what="companies", labels=labels)
    assert check.located == len(lat) - 1 and check.outside == 2
    assert [label for label, _ in check.outliers] == [labels[-3], labels[-2]]
    cairns_km = brute_force_km(region, -16.92, 145.77)
    assert 12_000 < cairns_km < 15_000
    # the other side of the earth: the nearest border point is found within 0.5 %
    assert check.outliers[0][1] == pytest.approx(cairns_km, rel=0.005)
    [warning] = check.warnings
    assert f"2 of {check.located} companies lie more than 25 km outside" in warning
    assert f"{labels[-3]} ({check.outliers[0][1]:,.0f} km)" in warning


@pytest.mark.parametrize(
    ("kilometres", "refused"),
    [(TOLERANCE_KM - 1, False), (TOLERANCE_KM + 1, True)],
)
def test_the_tolerance_beyond_the_border(region: Region, kilometres: float, refused: bool) -> None:
    # points due north of the region's bounds, so the distance is along a meridian
    b = region.bounds
    lat = b.north + math.degrees(kilometres * 1000 / core.search.geo.EARTH_RADIUS_M)
    lon = (b.west + b.east) / 2
    assert distance_from_region_km(region, np.array([lat]), np.array([lon]))[0] == (
        pytest.approx(kilometres, abs=0.01)
    )
    if refused:
        with pytest.raises(OutsideRegionError):
            check_in_region(region, [lat] * 3, [lon] * 3)
    else:
        assert check_in_region(region, [lat] * 3, [lon] * 3).outside == 0


def test_only_a_majority_outside_refuses(region: Region) -> None:
    inside_lat, inside_lon = region_postcode_points(region)
    flat, flon = flensburg_points()
    n = 10
    half = round(n * MAX_OUTSIDE_SHARE)
    # exactly half outside: a warning; one more outside: refused
    check = check_in_region(
        region, inside_lat[: n - half] + flat[:half], inside_lon[: n - half] + flon[:half]
    )
    assert check.outside == half and not check.mostly_outside and check.warnings
    with pytest.raises(OutsideRegionError, match=f"{half + 1} of {n} records"):
        check_in_region(
            region,
            inside_lat[: n - half - 1] + flat[: half + 1],
            inside_lon[: n - half - 1] + flon[: half + 1],
        )


def test_records_without_coordinates_are_not_judged(region: Region) -> None:
    check = check_in_region(region, [None, math.nan, 91.0], [None, 7.0, 7.0])
    assert (check.located, check.outside, check.warnings) == (0, 0, ())
