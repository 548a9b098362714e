"""Answering a SearchQuery from a SearchIndex: filters, facets, order, page, map output.

Every step is numpy over whole columns; Python loops run only over filters, facet values and
the rows of the page (or the map points) being returned.

A plugin's filter that failed (its column function when the index was built, or its dynamic
column for this request) takes only itself down: a query that uses it raises ``PluginFailure``
(the API answers 503 naming the filter and plugin), every other query is answered without that
filter's facet and lists it in ``SearchResult.unavailable``. ``index.strict`` re-raises instead.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
from attrs import frozen

from core.errors import PluginFailure, RegiokarteError
from core.search.clustering import SymbolGeometry, Symbols, place_symbols
from core.search.filters import DynamicValue, FilterKind, FilterSpec, Range
from core.search.geo import haversine_m, radius_bbox
from core.search.index import SearchIndex, failure_reason
from core.search.query import Cluster, FacetValue, SearchHit, SearchQuery, SearchResult

__all__ = ["MapOptions", "matching_ids", "search"]

#: the widest map any client shows, in CSS pixels
MAX_SCREEN_PX = 4096

log = logging.getLogger(__name__)


@frozen
class MapOptions:
    """How map output is shaped (from SearchSettings)."""

    max_points: int = 2000
    default_zoom: int = 10
    #: the deepest zoom of the map: groups left there are stacks, listed instead of zoomed
    max_zoom: int = 18
    geometry: SymbolGeometry = SymbolGeometry()


def filter_mask(spec: FilterSpec, column: np.ndarray, value: Any) -> np.ndarray:
    """Rows whose column matches the typed filter value."""
    if spec.kind is FilterKind.CHOICE:
        wanted = np.zeros(len(spec.choices) + 1, dtype=bool)
        positions = {c.value: i for i, c in enumerate(spec.choices)}
        for v in value:
            wanted[positions[v] + 1] = True
        return np.asarray(wanted[column.astype(np.int64) + 1])
    if spec.kind is FilterKind.MULTICHOICE:
        positions = {c.value: i for i, c in enumerate(spec.choices)}
        cols = [positions[v] for v in value]
        sub = column[:, cols]
        return np.asarray(sub.all(axis=1) if spec.match == "all" else sub.any(axis=1))
    if spec.kind is FilterKind.BOOL:
        return column if value else np.ones(column.shape[0], dtype=bool)
    if spec.kind is FilterKind.RANGE:
        assert isinstance(value, Range)
        mask: np.ndarray = ~np.isnan(column)
        if value.low is not None:
            mask &= column >= value.low
        if value.high is not None:
            mask &= column <= value.high
        # several values per company (n, m): any of them in the range
        return np.asarray(mask.any(axis=1)) if mask.ndim == 2 else mask
    raise ValueError(f"filter {spec.key!r} of kind {spec.kind} has no column")


def facet_counts(spec: FilterSpec, column: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per choice of ``spec``: how many rows of ``mask`` have it."""
    if spec.kind is FilterKind.CHOICE:
        counts = np.bincount(column[mask].astype(np.int64) + 1, minlength=len(spec.choices) + 1)
        return np.asarray(counts[1:])
    if spec.kind is FilterKind.MULTICHOICE:
        return np.asarray(np.count_nonzero(column[mask], axis=0))
    if spec.kind is FilterKind.BOOL:
        return np.array([np.count_nonzero(column & mask)])
    raise ValueError(f"filter {spec.key!r} of kind {spec.kind} has no facet")


def _geo_mask(index: SearchIndex, query: SearchQuery) -> tuple[np.ndarray, np.ndarray | None]:
    """Rows inside bbox and radius, and the distance of every row to ``near`` (if given)."""
    mask = index.alive.copy()
    if query.bbox is not None:
        b = query.bbox
        mask &= (index.lat >= b.south) & (index.lat <= b.north)
        mask &= (index.lon >= b.west) & (index.lon <= b.east)
    distance = None
    if query.near is not None:
        lat, lon = query.near.lat, query.near.lon
        if query.radius_km is not None:
            radius = query.radius_km * 1000.0
            south, west, north, east = radius_bbox(lat, lon, radius)
            mask &= (index.lat >= south) & (index.lat <= north)
            mask &= (index.lon >= west) & (index.lon <= east)
            candidates = np.flatnonzero(mask)
            d = haversine_m(lat, lon, index.lat[candidates], index.lon[candidates])
            mask[candidates[d > radius]] = False
        distance = np.full(index.lat.shape, np.nan)
        rows = np.flatnonzero(mask)
        distance[rows] = haversine_m(lat, lon, index.lat[rows], index.lon[rows])
    return mask, distance


def _masks(
    index: SearchIndex, query: SearchQuery
) -> tuple[
    np.ndarray, np.ndarray | None, list[tuple[FilterSpec, np.ndarray]], dict[str, np.ndarray]
]:
    """The masks of ``query``: area and text (base), distances, one per filter, dynamic columns."""
    registry = index.registry
    base, distance = _geo_mask(index, query)
    text = index.text_mask(query.text) if query.text else None
    if text is not None:
        base &= text

    active: list[tuple[FilterSpec, np.ndarray]] = []
    dynamic: dict[str, np.ndarray] = {}
    for key, value in query.filters:
        spec = registry[key]
        if key in index.unavailable:
            raise _unavailable(spec, index.unavailable[key])
        if isinstance(value, DynamicValue):
            # a range filter whose column depends on the request (cached per snapshot)
            dynamic[key] = _dynamic_column(index, spec, value)
            active.append((spec, filter_mask(spec, dynamic[key], value.range)))
        else:
            active.append((spec, filter_mask(spec, index.columns[key], value)))
    return base, distance, active, dynamic


def matching_ids(index: SearchIndex, query: SearchQuery) -> np.ndarray:
    """The sorted ids of every company ``query`` finds in ``index`` (all pages at once)."""
    mask, _, active, _ = _masks(index, query)
    for _, filtered in active:
        mask = mask & filtered
    return np.sort(np.asarray(index.ids[mask], dtype=np.int64))


def search(
    index: SearchIndex, query: SearchQuery, options: MapOptions | None = None
) -> SearchResult:
    """Answer ``query``: exact total, one page, facet counts for every facet, map output."""
    options = options or MapOptions()
    registry = index.registry
    base, distance, active, dynamic = _masks(index, query)

    # prefix[i] = base & masks[:i]; suffix[i] = masks[i:]; "all but i" = prefix[i] & suffix[i+1]
    prefix = [base]
    for _, mask in active:
        prefix.append(prefix[-1] & mask)
    result_mask = prefix[-1]
    suffix: list[np.ndarray | None] = [None] * (len(active) + 1)
    for i in range(len(active) - 1, -1, -1):
        nxt = suffix[i + 1]
        suffix[i] = active[i][1] if nxt is None else active[i][1] & nxt
    without = {}
    for i, (spec, _) in enumerate(active):
        rest = suffix[i + 1]
        without[spec.key] = prefix[i] if rest is None else prefix[i] & rest

    total = int(np.count_nonzero(result_mask))
    facets: dict[str, tuple[FacetValue, ...]] = {}
    selected_values = dict(query.filters)
    for spec in registry:
        if not spec.is_faceted or spec.key in index.unavailable:
            continue
        column = index.columns[spec.key]
        use_result = spec.kind is FilterKind.MULTICHOICE and spec.match == "all"
        mask = result_mask if use_result else without.get(spec.key, result_mask)
        counts = facet_counts(spec, column, mask)
        chosen = selected_values.get(spec.key)
        if spec.kind is FilterKind.BOOL:
            facets[spec.key] = (
                FacetValue("true", spec.label(query.lang), int(counts[0]), bool(chosen)),
            )
        else:
            picked = set(chosen or ())
            facets[spec.key] = tuple(
                FacetValue(c.value, c.label(query.lang), int(n), c.value in picked)
                for c, n in zip(spec.choices, counts, strict=True)
            )

    order_by = dynamic.get(query.sort) if query.sorts_by_dynamic else distance
    rows = _page_rows(index, query, result_mask, order_by)
    items = tuple(_hit(index, int(r), distance, dynamic, query.lang) for r in rows)
    clusters, points, bounds = _map_output(
        index, query, result_mask, total, distance, options, dynamic
    )
    return SearchResult(
        total=total,
        items=items,
        facets=facets,
        clusters=clusters,
        points=points,
        page=query.page,
        per_page=query.per_page,
        index_version=index.version,
        bounds=bounds,
        unavailable=dict(index.unavailable),
    )


def _unavailable(spec: FilterSpec, reason: str) -> PluginFailure:
    return PluginFailure(
        f"The filter {spec.key!r} of plugin {spec.plugin!r} is unavailable because the "
        f"plugin failed ({reason}); search without it or try again later. The rest of the "
        "portal works; the details are in the server log.",
        {spec.key: [f"unavailable: {reason}"]},
        plugin=spec.plugin,
        part=f"filter {spec.key!r}",
    )


def _dynamic_column(index: SearchIndex, spec: FilterSpec, value: DynamicValue) -> np.ndarray:
    """The dynamic filter's column; a failing provider takes down this filter, not the search."""
    try:
        return index.dynamic_column(spec, value.argument)
    except RegiokarteError:
        raise  # a deliberate answer of the plugin (InvalidQuery, NotFound, ...)
    except Exception as exc:
        if index.strict:
            raise
        log.error(
            "filter %r of plugin %r failed for %r",
            spec.key,
            spec.plugin,
            value.argument,
            exc_info=exc,
        )
        raise _unavailable(spec, failure_reason(exc)) from exc


def _page_rows(
    index: SearchIndex, query: SearchQuery, mask: np.ndarray, distance: np.ndarray | None
) -> np.ndarray:
    """The page's rows: by name, or ascending by ``distance`` (a distance or dynamic column)."""
    start, stop = query.offset, query.offset + query.per_page
    if query.sort != "name" and distance is not None:
        rows = np.flatnonzero(mask)
        if start >= rows.size:
            return rows[:0]
        # unknown values (NaN) sort last
        d = np.nan_to_num(distance[rows], nan=np.inf)
        if stop < rows.size:
            # only the rows up to the page's last distance (ties included) need sorting
            kth = np.partition(d, stop - 1)[stop - 1]
            rows, d = rows[d <= kth], d[d <= kth]
        order = np.lexsort((index.name_rank[rows], d))
        return rows[order][start:stop]
    ordered = index.name_order[mask[index.name_order]]
    return np.asarray(ordered[start:stop])


def _hit(
    index: SearchIndex,
    row: int,
    distance: np.ndarray | None,
    dynamic: dict[str, np.ndarray] | None = None,
    lang: str = "de",
) -> SearchHit:
    d = None if distance is None else float(distance[row])
    values = tuple(
        (key, None if math.isnan(v := float(column[row])) else v)
        for key, column in (dynamic or {}).items()
    )
    return SearchHit(
        id=int(index.ids[row]),
        slug=index.slugs[row],
        name=index.names[row],
        town=index.towns[row],
        industry=index.industries[row],
        lat=float(index.lat[row]),
        lon=float(index.lon[row]),
        size=index.sizes[row],
        is_demo=bool(index.is_demo[row]),
        distance_m=None if d is None or math.isnan(d) else round(d, 1),
        dynamic=values,
        badges=index.hit_badges(row, lang) if index.badge_counts else (),
    )


def _map_output(
    index: SearchIndex,
    query: SearchQuery,
    mask: np.ndarray,
    total: int,
    distance: np.ndarray | None,
    options: MapOptions,
    dynamic: dict[str, np.ndarray] | None = None,
) -> tuple[tuple[Cluster, ...], tuple[SearchHit, ...], tuple[float, float, float, float] | None]:
    """Symbols that do not overlap at the zoom shown: single hits as points, groups as
    clusters (stacks with their members); and the bounds of every hit."""
    if not query.clusters or total == 0:
        return (), (), None
    zoom = query.zoom if query.zoom is not None else _fitting_zoom(query, options)
    zoom = min(zoom, options.max_zoom)
    rows = np.flatnonzero(mask)
    lat, lon = index.lat[rows], index.lon[rows]
    bounds = (float(lat.min()), float(lon.min()), float(lat.max()), float(lon.max()))
    if query.view is not None:
        # symbols for the hits on screen (and a margin, so groups at the edge stay whole)
        v = query.view
        dlat, dlon = (v.north - v.south) * 0.25, (v.east - v.west) * 0.25
        seen = (lat >= v.south - dlat) & (lat <= v.north + dlat)
        seen &= (lon >= v.west - dlon) & (lon <= v.east + dlon)
        rows, lat, lon = rows[seen], lat[seen], lon[seen]
        if rows.size == 0:
            return (), (), bounds
    mx, my = index.mx[rows], index.my[rows]
    # no screen is wider than MAX_SCREEN_PX: an area larger than that at the zoom asked for
    # (an API call without a view) is grouped at the zoom that shows it on such a screen
    extent = max(float(mx.max() - mx.min()), float(my.max() - my.min()), 1e-12)
    zoom = max(0, min(zoom, math.floor(math.log2(MAX_SCREEN_PX / (256.0 * extent)))))
    # a coarser zoom only moves symbols closer together, so its symbols never overlap at
    # the zoom shown either: coarsen until the number of symbols stays within max_points
    while True:
        symbols = place_symbols(mx, my, lat, lon, zoom, options.max_zoom, options.geometry)
        if symbols.size <= options.max_points or zoom == 0:
            break
        zoom -= 1
    single = symbols.count == 1
    by_name = np.argsort(index.name_rank[rows[symbols.first[single]]], kind="stable")
    points = tuple(
        _hit(index, int(rows[f]), distance, dynamic, query.lang)
        for f in symbols.first[single][by_name]
    )
    members = _stack_members(
        index, rows, symbols, options.max_points, distance, dynamic, query.lang
    )
    many = np.flatnonzero(~single)
    clusters = tuple(
        Cluster(
            round(a, 6),
            round(b, 6),
            int(n),
            round(s, 6),
            round(w, 6),
            round(no, 6),
            round(e, 6),
            stack=bool(st),
            members=members.get(int(k), ()),
        )
        for k, a, b, n, s, w, no, e, st in zip(
            many.tolist(),
            symbols.lat[many].tolist(),
            symbols.lon[many].tolist(),
            symbols.count[many].tolist(),
            symbols.south[many].tolist(),
            symbols.west[many].tolist(),
            symbols.north[many].tolist(),
            symbols.east[many].tolist(),
            symbols.stack[many].tolist(),
            strict=True,
        )
    )
    return clusters, points, bounds


def _stack_members(
    index: SearchIndex,
    rows: np.ndarray,
    symbols: Symbols,
    budget: int,
    distance: np.ndarray | None,
    dynamic: dict[str, np.ndarray] | None,
    lang: str,
) -> dict[int, tuple[SearchHit, ...]]:
    """The hits of each stack by name, while the answer holds at most ``budget`` of them (a
    stack left without members is zoomed into, like any group)."""
    in_stack = symbols.stack[symbols.label]
    if not in_stack.any():
        return {}
    positions = np.flatnonzero(in_stack)
    labels = symbols.label[positions]
    order = np.lexsort((index.name_rank[rows[positions]], labels))
    positions, labels = positions[order], labels[order]
    # whole stacks only, smallest first, until the budget is spent
    stack_ids, sizes = np.unique(labels, return_counts=True)
    by_size = np.argsort(sizes, kind="stable")
    fits = np.cumsum(sizes[by_size]) <= budget
    keep = np.zeros(symbols.size, dtype=bool)
    keep[stack_ids[by_size][fits]] = True
    chosen = keep[labels]
    members: dict[int, list[SearchHit]] = {}
    for position, label in zip(positions[chosen].tolist(), labels[chosen].tolist(), strict=True):
        hit = _hit(index, int(rows[position]), distance, dynamic, lang)
        members.setdefault(label, []).append(hit)
    return {k: tuple(v) for k, v in members.items()}


def _fitting_zoom(query: SearchQuery, options: MapOptions) -> int:
    """The zoom at which the query's box fills about 1,024 pixels (the region's zoom otherwise)."""
    if query.bbox is None:
        if query.near is not None and query.radius_km is not None:
            span = 2 * query.radius_km / 111.0
        else:
            return options.default_zoom
    else:
        span = max(query.bbox.east - query.bbox.west, query.bbox.north - query.bbox.south, 1e-6)
    return int(max(0, min(20, math.floor(math.log2(360.0 / span * 1024 / 256)))))
