"""Distances and projections on numpy arrays (no per-row Python)."""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "EARTH_RADIUS_M",
    "haversine_m",
    "mercator_xy",
    "nearest_m",
    "radius_bbox",
    "sphere_xyz",
]

#: IUGG mean Earth radius, the usual choice for haversine distances.
EARTH_RADIUS_M = 6_371_008.8


def haversine_m(
    lat1: float | np.ndarray,
    lon1: float | np.ndarray,
    lat2: np.ndarray | float,
    lon2: np.ndarray | float,
) -> np.ndarray:
    """Great-circle distance in metres between points given in degrees (broadcasts)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2.0) ** 2
    return np.asarray(2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def radius_bbox(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a box that surely contains the circle (with a margin)."""
    margin = 1.001
    dlat = math.degrees(radius_m * margin / EARTH_RADIUS_M)
    coslat = math.cos(math.radians(min(89.0, abs(lat) + dlat)))
    dlon = math.degrees(radius_m * margin / (EARTH_RADIUS_M * max(coslat, 1e-6)))
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


def mercator_xy(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator coordinates in [0, 1) (x east, y south), as map tiles use them."""
    lat = np.clip(lat, -85.05112878, 85.05112878)
    x = (np.asarray(lon) + 180.0) / 360.0
    s = np.sin(np.radians(lat))
    y = 0.5 - np.log((1.0 + s) / (1.0 - s)) / (4.0 * math.pi)
    return x, y


def sphere_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Points (degrees) as 3-D coordinates in metres on a sphere of the Earth's radius, one
    row per point: the straight-line (chord) distance between two rows grows with the
    great-circle one, so a KD-tree on them finds the nearest points on the globe."""
    la = np.radians(np.asarray(lat, dtype=np.float64))
    lo = np.radians(np.asarray(lon, dtype=np.float64))
    c = np.cos(la)
    return np.column_stack((c * np.cos(lo), c * np.sin(lo), np.sin(la))) * EARTH_RADIUS_M


def nearest_m(
    lat: np.ndarray, lon: np.ndarray, place_lat: np.ndarray, place_lon: np.ndarray
) -> np.ndarray:
    """Great-circle metres from each point (``lat``, ``lon``) to its nearest place.

    The typical column of a plugin filter ("a sports club within 2 km of the employer"):
    pass ``source.lat``/``source.lon`` of an ``IndexSource`` and the places' coordinates.
    A KD-tree answers in O(n log m), so 50,000 companies against thousands of places take
    milliseconds. Returns ``inf`` for every point when there are no places.
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    place_lat = np.asarray(place_lat, dtype=np.float64)
    place_lon = np.asarray(place_lon, dtype=np.float64)
    if place_lat.size == 0 or lat.size == 0:
        return np.full(lat.shape, np.inf)
    from scipy.spatial import cKDTree  # imported on first use: most processes never need it

    # the nearest by chord is the nearest by arc; the exact distance is haversine's
    tree = cKDTree(sphere_xyz(place_lat, place_lon))
    _, nearest = tree.query(sphere_xyz(lat, lon))
    nearest = np.asarray(nearest, dtype=np.int64)
    return haversine_m(lat, lon, place_lat[nearest], place_lon[nearest])
