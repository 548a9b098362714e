"""Server-side grid clustering of map hits, anchored to the Web Mercator tile grid.

Cells are ``cell_px`` screen pixels wide at the requested zoom and aligned to the global tile
grid, so a cluster stays put while the user pans. All work is numpy over the hit rows.
"""

from __future__ import annotations

import numpy as np

__all__ = ["grid_clusters"]


def grid_clusters(
    mx: np.ndarray, my: np.ndarray, lat: np.ndarray, lon: np.ndarray, zoom: int, cell_px: int
) -> tuple[np.ndarray, ...]:
    """Group points by grid cell.

    Returns (count, mean_lat, mean_lon, south, west, north, east, first_row) per non-empty
    cell, where ``first_row`` is the position (into the given arrays) of one member, used to
    name single-member cells.
    """
    if mx.size == 0:
        empty = np.zeros(0)
        return (
            np.zeros(0, np.int64),
            empty,
            empty,
            empty,
            empty,
            empty,
            empty,
            np.zeros(0, np.int64),
        )
    scale = (2.0**zoom) * 256.0 / cell_px
    ix = np.floor(mx * scale).astype(np.int64)
    iy = np.floor(my * scale).astype(np.int64)
    ix -= ix.min()
    iy -= iy.min()
    height = int(iy.max()) + 1
    key = ix * height + iy
    if int(key.max()) < 4 * key.size + 1_000_000:
        # dense keys: count with bincount, no sort needed
        cells, inverse = (
            np.unique(key, return_inverse=True) if key.size < 2048 else _dense_unique(key)
        )
    else:
        cells, inverse = np.unique(key, return_inverse=True)
    k = cells.size
    count = np.bincount(inverse, minlength=k)
    mean_lat = np.bincount(inverse, weights=lat, minlength=k) / count
    mean_lon = np.bincount(inverse, weights=lon, minlength=k) / count
    south = np.full(k, np.inf)
    west = np.full(k, np.inf)
    north = np.full(k, -np.inf)
    east = np.full(k, -np.inf)
    np.minimum.at(south, inverse, lat)
    np.minimum.at(west, inverse, lon)
    np.maximum.at(north, inverse, lat)
    np.maximum.at(east, inverse, lon)
    first = np.full(k, mx.size, dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(mx.size))
    return count, mean_lat, mean_lon, south, west, north, east, first


def _dense_unique(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    present = np.zeros(int(key.max()) + 1, dtype=bool)
    present[key] = True
    cells = np.flatnonzero(present)
    lookup = np.zeros(present.size, dtype=np.int64)
    lookup[cells] = np.arange(cells.size)
    return cells, lookup[key]
