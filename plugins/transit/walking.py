"""Walking between points: KD-tree neighbour search and walking times, all vectorised.

A walk's length is the straight-line (great-circle) distance times a detour factor; its time
is that length over the walking speed, rounded to whole seconds. The router, the company
columns and the profile page all use these functions, so they agree to the second.
"""

from __future__ import annotations

import numpy as np
from attrs import frozen
from core import haversine_m
from core import sphere_xyz

__all__ = ["PointTree", "Walking"]


@frozen
class Walking:
    """Walking parameters: detour factor, speed and the longest walks."""

    detour: float = 1.3
    speed_mps: float = 1.25
    max_walk_m: float = 800.0
    transfer_walk_m: float = 300.0

    def length_m(self, straight_m: np.ndarray | float) -> np.ndarray:
        return np.asarray(straight_m, dtype=np.float64) * self.detour

    def seconds(self, straight_m: np.ndarray | float) -> np.ndarray:
        """Whole seconds to walk a straight-line distance (with the detour)."""
        return np.rint(self.length_m(straight_m) / self.speed_mps).astype(np.int64)

    @property
    def max_straight_m(self) -> float:
        return self.max_walk_m / self.detour

    @property
    def transfer_straight_m(self) -> float:
        return self.transfer_walk_m / self.detour


class PointTree:
    """A KD-tree over points (stops), answering radius and nearest queries in metres."""

    def __init__(self, lat: np.ndarray, lon: np.ndarray) -> None:
        self.lat = np.asarray(lat, dtype=np.float64)
        self.lon = np.asarray(lon, dtype=np.float64)
        from scipy.spatial import cKDTree  # imported on first use (slow to import)

        self.tree = cKDTree(sphere_xyz(self.lat, self.lon)) if len(self.lat) else None

    def __len__(self) -> int:
        return len(self.lat)

    def within(
        self, lat: np.ndarray, lon: np.ndarray, radius_m: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(query index, point index, great-circle metres) of every pair within ``radius_m``,
        sorted by query index, then distance."""
        lat, lon = np.atleast_1d(lat).astype(float), np.atleast_1d(lon).astype(float)
        empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
        if self.tree is None or len(lat) == 0 or radius_m <= 0:
            return empty
        # the chord is shorter than the arc: search a little wider, then cut exactly
        from scipy.spatial import cKDTree

        other = cKDTree(sphere_xyz(lat, lon))
        matrix = other.sparse_distance_matrix(
            self.tree, radius_m * 1.000001 + 1e-6, output_type="ndarray"
        )
        if len(matrix) == 0:
            return empty
        qi, pi = matrix["i"].astype(np.int64), matrix["j"].astype(np.int64)
        d = haversine_m(lat[qi], lon[qi], self.lat[pi], self.lon[pi])
        keep = d <= radius_m
        qi, pi, d = qi[keep], pi[keep], d[keep]
        order = np.lexsort((pi, d, qi))
        return qi[order], pi[order], d[order]

    def nearest(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(point index, great-circle metres) of the nearest point to each query point."""
        lat, lon = np.atleast_1d(lat).astype(float), np.atleast_1d(lon).astype(float)
        if self.tree is None:
            return np.full(len(lat), -1, np.int64), np.full(len(lat), np.nan)
        _, index = self.tree.query(sphere_xyz(lat, lon))
        index = np.asarray(index, dtype=np.int64)
        return index, haversine_m(lat, lon, self.lat[index], self.lon[index])

    def pairs(self, radius_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(a, b, metres) of every ordered pair of distinct points within ``radius_m``."""
        if self.tree is None or radius_m <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        found = self.tree.query_pairs(radius_m * 1.000001 + 1e-6, output_type="ndarray")
        a, b = found[:, 0].astype(np.int64), found[:, 1].astype(np.int64)
        d = haversine_m(self.lat[a], self.lon[a], self.lat[b], self.lon[b])
        keep = d <= radius_m
        a, b, d = a[keep], b[keep], d[keep]
        return np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([d, d])
