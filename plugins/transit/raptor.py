"""RAPTOR (Delling, Pajor, Werneck: Round-Based Public Transit Routing, 2012), vectorised.

Round ``r`` finds the earliest arrival at every stop with at most ``r`` vehicles. Classic
RAPTOR walks each marked route stop by stop, remembering the earliest trip it can catch. Here
a round is a handful of numpy operations over all (pattern, position) columns at once:

1. at every column, the earliest run it can board there: one ``searchsorted`` of
   ``col * BIG + label`` in the flat, per-column sorted departure keys;
2. the run actually ridden at a position is the earliest run boardable at any *earlier*
   position of the same pattern (runs of a pattern never overtake each other): an exclusive,
   segmented running minimum (``np.maximum.accumulate`` on offset, negated values);
3. its arrival there, reduced per stop (``np.minimum.reduceat``);
4. one footpath from every stop reached by a vehicle (also reduced per target stop).

Two labels per stop: the earliest time one can *board* there (reached on foot from the origin,
by a footpath after a ride, or by a vehicle plus the stop's change time) and the earliest
*arrival by vehicle* (after at least one ride, possibly followed by one footpath). Only the
second may be followed by the walk to a destination: a journey that never rides is a walk,
and walks are limited by ``max_walk_m`` as a whole, not per leg.

Only patterns that serve a stop whose boarding label improved in the previous round are
scanned (RAPTOR's marking). Several departure times are routed together, one row each.
"""

from __future__ import annotations

import numpy as np
from attrs import define

from plugins.transit.timetable import BIG
from plugins.transit.timetable import INF
from plugins.transit.timetable import OFFSET
from plugins.transit.timetable import Timetable

__all__ = ["Labels", "earliest_arrival"]

_SENTINEL = np.int64(1 << 30)
_SEGMENT = np.int64(1 << 32)


@define
class Labels:
    """Per departure and stop (seconds, ``INF`` when unreached): the earliest arrival having
    ridden at least one vehicle, the number of vehicles used for it, and the earliest time
    one can board a vehicle there."""

    departures: np.ndarray  # (K,)
    arrival: np.ndarray  # (K, S) int64: by vehicle (and at most one footpath after it)
    rides: np.ndarray  # (K, S) int8: vehicles used for ``arrival`` (-1 unreached)
    board: np.ndarray  # (K, S) int64: ready to board (on foot from the origin, or changing)
    rounds: int = 0


def _pattern_columns(tt: Timetable, patterns: np.ndarray) -> np.ndarray:
    """The columns of ``patterns`` (sorted, unique), in pattern order."""
    starts = tt.pattern_cols[patterns]
    lengths = tt.pattern_cols[patterns + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.repeat(starts - np.r_[0, np.cumsum(lengths)[:-1]], lengths)
    return np.arange(total, dtype=np.int64) + offsets


def earliest_arrival(
    tt: Timetable,
    access_stops: np.ndarray,
    access_seconds: np.ndarray,
    departures: np.ndarray,
    *,
    max_rides: int = 6,
    horizon: int | None = None,
) -> Labels:
    """Earliest arrival at every stop, leaving the origin at each of ``departures``.

    ``access_stops``/``access_seconds``: the stops the origin reaches on foot and how long
    that takes. Labels later than departure + ``horizon`` are dropped (no journey that
    arrives within the horizon passes through them).
    """
    departures = np.asarray(departures, dtype=np.int64)
    k, s = len(departures), tt.n_stops
    arrival = np.full((k, s), INF, dtype=np.int64)
    rides = np.full((k, s), -1, dtype=np.int8)
    limit = departures[:, None] + (horizon if horizon is not None else INF)
    board = _access_labels(tt, access_stops, access_seconds, departures, limit)
    marked = np.zeros(s, dtype=bool)
    marked[np.asarray(access_stops, dtype=np.int64)] = True
    change = tt.change
    rounds = 0
    for round_no in range(1, max_rides + 1):
        marked_stops = np.flatnonzero(marked)
        if len(marked_stops) == 0 or tt.n_columns == 0:
            break
        patterns = _patterns_serving(tt, marked_stops)
        if patterns is None:
            break
        cols = _pattern_columns(tt, patterns)
        rounds = round_no
        targets, ride_at = _ride(tt, cols, board, limit)
        new_arrival = arrival.copy()
        new_arrival[:, targets] = np.minimum(arrival[:, targets], ride_at)
        new_board = board.copy()
        # staying at the stop: the next vehicle leaves after the change time at the earliest
        changed = np.minimum(ride_at + change[targets][None, :], INF)
        changed[changed > limit] = INF
        new_board[:, targets] = np.minimum(board[:, targets], changed)
        # 4. one footpath from each stop reached by a vehicle in this round
        if len(tt.fp_from):
            walk_at = _walk(tt, targets, ride_at, limit)
            new_arrival[:, tt.fp_targets] = np.minimum(new_arrival[:, tt.fp_targets], walk_at)
            new_board[:, tt.fp_targets] = np.minimum(new_board[:, tt.fp_targets], walk_at)
        rides[new_arrival < arrival] = round_no
        arrival = new_arrival
        marked = (new_board < board).any(axis=0)
        board = new_board
    return Labels(departures, arrival, rides, board, rounds)


def _access_labels(
    tt: Timetable,
    access_stops: np.ndarray,
    access_seconds: np.ndarray,
    departures: np.ndarray,
    limit: np.ndarray,
) -> np.ndarray:
    """The boarding labels before any ride: the stops reached on foot from the origin."""
    k = len(departures)
    board = np.full((k, tt.n_stops), INF, dtype=np.int64)
    if len(access_stops):
        start = departures[:, None] + np.asarray(access_seconds, dtype=np.int64)[None, :]
        np.minimum.at(board, (np.arange(k)[:, None], np.asarray(access_stops)[None, :]), start)
        board[board > limit] = INF
    return board


def _patterns_serving(tt: Timetable, stops: np.ndarray) -> np.ndarray | None:
    """The patterns (sorted, unique) serving any of ``stops``; None when no pattern does."""
    starts, ends = tt.stop_cols_start[stops], tt.stop_cols_start[stops + 1]
    n = ends - starts
    if n.sum() == 0:
        return None
    flat = np.repeat(starts - np.r_[0, np.cumsum(n)[:-1]], n) + np.arange(n.sum())
    cols_at = tt.stop_cols[flat]
    patterns: np.ndarray = np.unique(tt.col_pattern[cols_at])
    return patterns


def _ride(
    tt: Timetable, cols: np.ndarray, board: np.ndarray, limit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """One round's rides over the columns ``cols``: the stops reached and, per departure
    and such stop, the earliest arrival by vehicle (``INF`` past the limit)."""
    k = board.shape[0]
    # 1. earliest boardable run per column
    label = board[:, tt.col_stop[cols]]
    query = cols[None, :] * BIG + np.minimum(label + OFFSET, BIG - 1)
    pos = np.searchsorted(tt.dep_key, query.ravel()).reshape(k, len(cols))
    earliest = pos - tt.col_start[cols][None, :]
    ok = (earliest < tt.col_runs[cols][None, :]) & (label < INF) & tt.col_board[cols][None, :]
    earliest = np.where(ok, earliest, _SENTINEL)
    # 2. run ridden: minimum over earlier positions of the pattern (segmented, exclusive)
    segment = np.cumsum(tt.col_first[cols]).astype(np.int64) * _SEGMENT
    running = segment[None, :] - np.maximum.accumulate(segment[None, :] - earliest, axis=1)
    ridden = np.empty_like(running)
    ridden[:, 1:] = running[:, :-1]
    ridden[:, tt.col_first[cols]] = _SENTINEL
    ridden[:, 0] = _SENTINEL
    valid = (ridden < _SENTINEL) & tt.col_alight[cols][None, :]
    index = tt.col_start[cols][None, :] + np.where(valid, ridden, 0)
    arrive = np.where(valid, tt.arrival[index], INF)
    # 3. per stop
    order = np.argsort(tt.col_stop[cols], kind="stable")
    stops_sorted = tt.col_stop[cols][order]
    seg_starts = np.flatnonzero(np.r_[True, stops_sorted[1:] != stops_sorted[:-1]])
    targets = stops_sorted[seg_starts]
    ride_at = np.minimum.reduceat(arrive[:, order], seg_starts, axis=1)
    ride_at[ride_at > limit] = INF
    return targets, ride_at


def _walk(tt: Timetable, targets: np.ndarray, ride_at: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Arrival at each footpath target (``tt.fp_targets``) by one footpath from a stop
    reached by vehicle (``ride_at`` at ``targets``)."""
    ride_full = np.full((ride_at.shape[0], tt.n_stops), INF, dtype=np.int64)
    ride_full[:, targets] = ride_at
    walk = ride_full[:, tt.fp_from] + tt.fp_time[None, :]
    walk_at = np.minimum.reduceat(walk, tt.fp_starts, axis=1)
    walk_at[walk_at > limit] = INF
    return walk_at
