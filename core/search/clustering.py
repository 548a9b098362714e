"""Server-side clustering of map hits into symbols that never overlap at the zoom shown.

Hits are first grouped on a fine grid anchored to the Web Mercator tile grid (points that
share a cell would cover each other anyway), then symbols whose boxes overlap on screen are
merged, closest pairs first, until no two symbols touch. Every symbol's box is the one the
browser draws: a pin for a single hit, a circle whose size grows in steps for a group. Groups
that cannot be told apart even at the deepest zoom (one address, or a few metres apart) are
*stacks*: the map opens them as a list instead of zooming.

All work is numpy (and a KD-tree) over the hit rows and the symbols; no Python per row.
"""

from __future__ import annotations

import math

import numpy as np
from attrs import frozen

__all__ = ["SymbolGeometry", "Symbols", "cluster_size", "place_symbols"]

#: Start grid in screen pixels: two hits this close would overlap as pins in any case.
START_CELL_PX = 16
#: Rounds of closest-pair merging before the rest is merged in connected groups at once.
PAIR_ROUNDS = 24


@frozen
class SymbolGeometry:
    """The screen boxes of map symbols in CSS pixels (the start page draws exactly these)."""

    #: a single hit's pin: width, height and the anchor point inside it (the tip)
    marker_width: int = 28
    marker_height: int = 30
    marker_anchor_x: int = 14
    marker_anchor_y: int = 28
    #: group symbols: (up to this many hits, diameter); the last step has no upper limit
    cluster_steps: tuple[tuple[int, int], ...] = ((9, 34), (99, 40), (999, 48), (9_999, 56))
    cluster_largest: int = 64
    #: free pixels kept between two symbols
    gap: int = 2

    def as_json(self) -> dict[str, object]:
        """The geometry for the browser, so both sides draw the same sizes."""
        return {
            "marker": [
                self.marker_width,
                self.marker_height,
                self.marker_anchor_x,
                self.marker_anchor_y,
            ],
            "clusterSteps": [list(s) for s in self.cluster_steps],
            "clusterLargest": self.cluster_largest,
        }


def cluster_size(count: np.ndarray, geometry: SymbolGeometry) -> np.ndarray:
    """Diameter in pixels of the group symbol for each count."""
    limits = np.array([n for n, _ in geometry.cluster_steps], dtype=np.int64)
    sizes = np.array(
        [s for _, s in geometry.cluster_steps] + [geometry.cluster_largest], dtype=np.float64
    )
    return np.asarray(sizes[np.searchsorted(limits, count, side="left")])


@frozen
class Symbols:
    """Map symbols: per symbol its hit count, position, bounds of its hits, one member row and
    whether it is a stack; ``label`` maps every input row to its symbol."""

    count: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    south: np.ndarray
    west: np.ndarray
    north: np.ndarray
    east: np.ndarray
    first: np.ndarray
    stack: np.ndarray
    label: np.ndarray

    @property
    def size(self) -> int:
        return int(self.count.size)


def _boxes(
    n: np.ndarray, x: np.ndarray, y: np.ndarray, geometry: SymbolGeometry
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Centre and half extents of every symbol's box on screen."""
    single = n == 1
    size = cluster_size(n, geometry)
    half_w = np.where(single, geometry.marker_width / 2.0, size / 2.0)
    half_h = np.where(single, geometry.marker_height / 2.0, size / 2.0)
    # a pin hangs above its anchor (the tip); a circle is centred on its point
    centre_x = x + np.where(single, geometry.marker_width / 2.0 - geometry.marker_anchor_x, 0.0)
    centre_y = y + np.where(single, geometry.marker_height / 2.0 - geometry.marker_anchor_y, 0.0)
    return centre_x, centre_y, half_w, half_h


def _overlaps(
    n: np.ndarray, x: np.ndarray, y: np.ndarray, geometry: SymbolGeometry
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (i, j) of overlapping symbols and how deeply (below 1: overlapping)."""
    cx, cy, hw, hh = _boxes(n, x, y, geometry)
    reach = 2.0 * float(max(hw.max(), hh.max())) + geometry.gap
    # imported on first use: scipy takes longer to import than the rest of the search
    from scipy.spatial import cKDTree

    tree = cKDTree(np.column_stack((cx, cy)))
    pairs = tree.query_pairs(reach, p=np.inf, output_type="ndarray")
    if pairs.size == 0:
        empty = np.zeros(0, np.int64)
        return empty, empty, np.zeros(0)
    i, j = pairs[:, 0], pairs[:, 1]
    depth = np.maximum(
        np.abs(cx[i] - cx[j]) / (hw[i] + hw[j] + geometry.gap),
        np.abs(cy[i] - cy[j]) / (hh[i] + hh[j] + geometry.gap),
    )
    hit = depth < 1.0
    return i[hit], j[hit], depth[hit]


def _closest_pairs(k: int, i: np.ndarray, j: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """For each symbol, the partner it overlaps most; the mutual ones merge (no chains)."""
    a = np.concatenate((i, j))
    b = np.concatenate((j, i))
    d = np.concatenate((depth, depth))
    order = np.lexsort((b, d, a))
    a, b = a[order], b[order]
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
    best = np.full(k, -1, dtype=np.int64)
    best[a[starts]] = b[starts]
    has = np.flatnonzero(best >= 0)
    mutual = has[(best[best[has]] == has) & (has < best[has])]
    parent = np.arange(k, dtype=np.int64)
    parent[best[mutual]] = mutual
    return parent


def _components(k: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(i.size), (i, j)), shape=(k, k))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


def _extents(
    label: np.ndarray, k: int, mx: np.ndarray, my: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_min, x_max, y_min, y_max) of each group's hits in Web Mercator units."""
    x_min = _group_min(label, k, mx)
    y_min = _group_min(label, k, my)
    x_max = -_group_min(label, k, -mx)
    y_max = -_group_min(label, k, -my)
    return x_min, x_max, y_min, y_max


def _group_min(label: np.ndarray, k: int, values: np.ndarray) -> np.ndarray:
    out = np.full(k, np.inf)
    np.minimum.at(out, label, values)
    return out


def _inverse_mercator(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon = x * 360.0 - 180.0
    lat = np.degrees(np.arctan(np.sinh(math.pi * (1.0 - 2.0 * y))))
    return lat, lon


def _grid(px: np.ndarray, py: np.ndarray, cell: float) -> np.ndarray:
    """Grid cell number (0..k-1) of every point, cells of ``cell`` pixels."""
    ix = np.floor(px / cell).astype(np.int64)
    iy = np.floor(py / cell).astype(np.int64)
    key = (ix - ix.min()) * (int(iy.max() - iy.min()) + 1) + (iy - iy.min())
    return _renumber(key)


def _renumber(key: np.ndarray) -> np.ndarray:
    """Consecutive numbers 0..k-1 for the distinct values of ``key`` (non-negative ints)."""
    top = int(key.max())
    if top < 4 * key.size + 1_000_000:
        # dense keys: a lookup table, no sort
        present = np.zeros(top + 1, dtype=bool)
        present[key] = True
        lookup = np.cumsum(present) - 1
        return np.asarray(lookup[key], dtype=np.int64)
    _, label = np.unique(key, return_inverse=True)
    return np.asarray(label.reshape(-1), dtype=np.int64)


def _start_groups(px: np.ndarray, py: np.ndarray, geometry: SymbolGeometry) -> np.ndarray:
    """First groups: a cell as large as the largest symbol holding more hits than pins fit
    in it is one group; elsewhere hits are grouped on a fine grid (they may stay pins)."""
    coarse_cell = geometry.cluster_largest + geometry.gap
    coarse = _grid(px, py, coarse_cell)
    fit = (coarse_cell // geometry.marker_width) * (coarse_cell // geometry.marker_height)
    crowded = np.bincount(coarse)[coarse] > fit
    if crowded.all():
        return coarse
    fine = _grid(px, py, START_CELL_PX) + int(coarse.max()) + 1
    return _renumber(np.where(crowded, coarse, fine))


def place_symbols(
    mx: np.ndarray,
    my: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    zoom: int,
    max_zoom: int = 18,
    geometry: SymbolGeometry | None = None,
) -> Symbols:
    """Group hits (Web Mercator ``mx``/``my`` in [0, 1) and degrees) into symbols that do not
    overlap on screen at ``zoom`` (nor at any deeper zoom, where they only move apart)."""
    geometry = geometry or SymbolGeometry()
    rows = mx.size
    if rows == 0:
        z = np.zeros(0)
        zi = np.zeros(0, np.int64)
        return Symbols(zi, z, z, z, z, z, z, zi, np.zeros(0, bool), zi)
    scale = (2.0**zoom) * 256.0
    px = mx * scale
    py = my * scale
    label = _start_groups(px, py, geometry)
    k = int(label.max()) + 1
    n = np.bincount(label, minlength=k)
    sx = np.bincount(label, weights=px, minlength=k)
    sy = np.bincount(label, weights=py, minlength=k)
    # extents and one member per first group: the only passes over every hit; merged groups
    # take them from their first groups
    x_min, x_max, y_min, y_max = _extents(label, k, mx, my)
    first = np.full(k, rows, dtype=np.int64)
    first[label[::-1]] = np.arange(rows - 1, -1, -1)  # the last write wins: the lowest row
    # merge rounds work on groups; ``chain`` maps each first group to its group now
    chain = np.arange(k, dtype=np.int64)
    rounds = 0
    while k > 1:
        i, j, depth = _overlaps(n, sx / n, sy / n, geometry)
        if i.size == 0:
            break
        rounds += 1
        parent = _closest_pairs(k, i, j, depth) if rounds <= PAIR_ROUNDS else _components(k, i, j)
        if np.array_equal(parent, np.arange(k)):  # ties without a mutual pair: merge groups
            parent = _components(k, i, j)
        renumber = _renumber(parent)
        chain = renumber[chain]
        k = int(renumber.max()) + 1
        n = np.bincount(renumber, weights=n, minlength=k).astype(np.int64)
        sx = np.bincount(renumber, weights=sx, minlength=k)
        sy = np.bincount(renumber, weights=sy, minlength=k)
    if chain.size != k:
        groups = chain
        x_min, x_max = _group_min(groups, k, x_min), -_group_min(groups, k, -x_max)
        y_min, y_max = _group_min(groups, k, y_min), -_group_min(groups, k, -y_max)
        first = _group_min(groups, k, first.astype(np.float64)).astype(np.int64)
    label = chain[label]

    mean_lat, mean_lon = _inverse_mercator(sx / n / scale, sy / n / scale)
    # Web Mercator keeps the order of latitudes and longitudes: the bounds of the hits are
    # the corners of their extent (north is the smallest y)
    north, west = _inverse_mercator(x_min, y_min)
    south, east = _inverse_mercator(x_max, y_max)
    single = n == 1
    # a single hit is drawn exactly where it is; the bounds hold the exact coordinates too
    mean_lat = np.where(single, lat[first], mean_lat)
    mean_lon = np.where(single, lon[first], mean_lon)
    south = np.minimum(south, mean_lat)
    north = np.maximum(north, mean_lat)
    west = np.minimum(west, mean_lon)
    east = np.maximum(east, mean_lon)
    # a group whose hits stay within one pin's box at the deepest zoom cannot be zoomed apart
    deep = (2.0**max_zoom) * 256.0
    tight = ((x_max - x_min) * deep < geometry.marker_width + geometry.gap) & (
        (y_max - y_min) * deep < geometry.marker_height + geometry.gap
    )
    stack = ~single & (tight | (zoom >= max_zoom))
    return Symbols(n, mean_lat, mean_lon, south, west, north, east, first, stack, label)
