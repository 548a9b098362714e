"""What the start map shows without any tile server: an outline of the region and its towns.

Regions define towns with postcodes but no boundary polygon, so the outline is the convex hull
of the region's postcode centroids and town centres, pushed outwards by a margin. It is drawn
as "the area this portal covers", never as an official boundary.
"""

from __future__ import annotations

import math
from typing import Any

from core.region import Region
from core.search.geocoding import postcode_centroids

__all__ = ["region_outline", "town_points"]

#: How far the hull is pushed out beyond the outermost centroid, in kilometres.
MARGIN_KM = 2.5


def _cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The convex hull (Andrew's monotone chain), counter-clockwise, of (x, y) points."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts
    lower: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def region_outline(region: Region) -> list[list[float]]:
    """[[lat, lon], ...]: the approximate outline of ``region`` (a closed ring, not repeated)."""
    centroids = postcode_centroids()
    points = [(t.center.lon, t.center.lat) for t in region.towns]
    for town in region.towns:
        points += [(centroids[p].lon, centroids[p].lat) for p in town.postcodes if p in centroids]
    hull = convex_hull(points)
    if not hull:
        return []
    cx = sum(x for x, _ in hull) / len(hull)
    cy = sum(y for _, y in hull) / len(hull)
    km_lat = 1 / 111.32
    km_lon = 1 / (111.32 * math.cos(math.radians(cy)))
    ring = []
    for x, y in hull:
        dx, dy = (x - cx) / km_lon, (y - cy) / km_lat
        length = math.hypot(dx, dy) or 1.0
        ring.append(
            [
                round(y + dy / length * MARGIN_KM * km_lat, 5),
                round(x + dx / length * MARGIN_KM * km_lon, 5),
            ]
        )
    return ring


def town_points(region: Region) -> list[dict[str, Any]]:
    """The region's towns as name and centre, for labels on the map."""
    return [
        {"name": t.name, "ags": t.ags, "lat": t.center.lat, "lon": t.center.lon}
        for t in region.towns
    ]
