"""The timetable of one service day, laid out for the router (numpy arrays, no objects).

Built from the ``transit_*`` tables for a date and a time window:

* the trips running that day: services active on the date (calendar weekdays and range, plus
  and minus calendar_dates exceptions), yesterday's trips still running after midnight (their
  times minus 24 h) and, when the window reaches past midnight, tomorrow's early trips (their
  times plus 24 h); frequency-based trips expanded into single runs; missing times at untimed
  stops interpolated. Times are seconds after midnight of the service date, so they can be
  negative (yesterday evening) or pass 24 h;
* *patterns*: runs with the same stop sequence (and the same boarding/alighting rules),
  split further so that no run overtakes another (RAPTOR's FIFO condition);
* one *column* per (pattern, position): the departure and arrival times of the pattern's runs
  there, sorted, stored back to back in flat arrays with a global sort key, so that one
  ``searchsorted`` finds the earliest catchable run at every column at once;
* footpaths between stops within the transfer walk (plus ``transfers.txt``), and the time a
  change of vehicles at the same stop needs (a setting, or ``transfers.txt`` per stop).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from attrs import Factory
from attrs import define
from core import haversine_m
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.transit import tables as t
from plugins.transit.walking import PointTree
from plugins.transit.walking import Walking

__all__ = [
    "BIG",
    "DAY",
    "INF",
    "OFFSET",
    "Events",
    "Stops",
    "Timetable",
    "active_services",
    "busiest_weekday",
    "change_times",
    "feed_dates",
    "footpaths",
    "load_events",
    "load_stops",
    "runs_departing",
    "stop_departures",
]

DAY = 86_400
#: "Never": later than any time a timetable holds.
INF = np.int64(1 << 40)
#: Column stride of the global departure key (col * BIG + OFFSET + time); times stay below it.
BIG = np.int64(1 << 23)
#: Added to every time in the departure key, so that yesterday's evening (times down to
#: -24 h) keeps the key non-negative.
OFFSET = np.int64(DAY)


def _date(value: int) -> dt.date:
    return dt.date(value // 10000, value // 100 % 100, value % 100)


def _int_date(value: dt.date) -> int:
    return value.year * 10000 + value.month * 100 + value.day


def active_services(session: Session, date: int) -> list[int]:
    """Ids of the services running on ``date`` (YYYYMMDD)."""
    weekday_bit = 1 << _date(date).weekday()
    s, d = t.services, t.service_dates
    base = {
        int(r)
        for r in session.scalars(
            select(s.c.id).where(
                s.c.weekdays.op("&")(weekday_bit) != 0,
                s.c.start_date <= date,
                s.c.end_date >= date,
            )
        )
    }
    for service, kind in session.execute(
        select(d.c.service, d.c.exception_type).where(d.c.date == date)
    ):
        if kind == 1:
            base.add(int(service))
        else:
            base.discard(int(service))
    return sorted(base)


def feed_dates(session: Session) -> tuple[int, int] | None:
    """First and last date any service runs (from calendar and added dates)."""
    row = session.execute(select(t.feeds.c.start_date, t.feeds.c.end_date)).first()
    if row is None or row[0] is None or row[1] is None:
        return None
    return int(row[0]), int(row[1])


def busiest_weekday(session: Session) -> int | None:
    """The Tuesday, Wednesday or Thursday of the feed with the most trips (earliest on ties)."""
    span = feed_dates(session)
    if span is None:
        return None
    trips_per_service = dict(_trip_counts(session))
    best, best_count = None, -1
    day = _date(span[0])
    last = _date(span[1])
    while day <= last:
        if day.weekday() in (1, 2, 3):
            date = _int_date(day)
            count = sum(trips_per_service.get(s, 0) for s in active_services(session, date))
            if count > best_count:
                best, best_count = date, count
        day += dt.timedelta(days=1)
    return best


def _trip_counts(session: Session) -> list[tuple[int, int]]:
    rows = session.execute(select(t.trips.c.service, func.count()).group_by(t.trips.c.service))
    return [(int(a), int(b)) for a, b in rows]


@define
class Stops:
    """Every imported stop, by position (the router's stop index)."""

    ids: np.ndarray  # database ids
    stop_ids: list[str]  # GTFS ids
    names: list[str]
    lat: np.ndarray
    lon: np.ndarray
    location_type: np.ndarray
    parent_station: list[str]

    def __len__(self) -> int:
        return len(self.ids)

    def station_of(self) -> np.ndarray:
        """Per stop: the index of its station (its parent station, else itself)."""
        position = {s: i for i, s in enumerate(self.stop_ids)}
        return np.fromiter(
            (position.get(p, i) if p else i for i, p in enumerate(self.parent_station)),
            dtype=np.int64,
            count=len(self.ids),
        )


def load_stops(session: Session) -> Stops:
    s = t.stops
    rows = session.execute(
        select(
            s.c.id, s.c.stop_id, s.c.name, s.c.lat, s.c.lon, s.c.location_type, s.c.parent_station
        ).order_by(s.c.id)
    ).all()
    return Stops(
        ids=np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
        stop_ids=[r[1] for r in rows],
        names=[r[2] for r in rows],
        lat=np.fromiter((r[3] for r in rows), dtype=np.float64, count=len(rows)),
        lon=np.fromiter((r[4] for r in rows), dtype=np.float64, count=len(rows)),
        location_type=np.fromiter((r[5] for r in rows), dtype=np.int8, count=len(rows)),
        parent_station=[r[6] for r in rows],
    )


@define
class Events:
    """Stop events of the runs of a day, sorted by run then position."""

    run: np.ndarray  # run number (0..R-1)
    stop: np.ndarray  # stop index
    arrival: np.ndarray
    departure: np.ndarray
    pickup: np.ndarray  # bool: boarding allowed
    drop_off: np.ndarray  # bool: alighting allowed
    run_trip: np.ndarray  # per run: database trip id
    run_route: np.ndarray  # per run: database route id


def _interpolate(arrival: np.ndarray, departure: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fill untimed stops (-1) linearly by position, from the last timed stop's departure to
    the next timed stop's arrival (every run starts and ends with a timed stop)."""
    known = arrival >= 0
    if known.all():
        return arrival, departure
    index = np.arange(len(arrival))
    prev = np.maximum.accumulate(np.where(known, index, 0))
    nxt = np.minimum.accumulate(np.where(known, index, len(arrival) - 1)[::-1])[::-1]
    span = np.maximum(nxt - prev, 1)
    filled = departure[prev] + (arrival[nxt] - departure[prev]) * (index - prev) / span
    filled = np.rint(filled).astype(np.int64)
    return np.where(known, arrival, filled), np.where(known, departure, filled)


def load_events(session: Session, date: int, start: int, end: int, stops: Stops) -> Events:
    """Runs with at least one event in [start, end] (seconds after midnight of ``date``):
    the day's own trips, yesterday's still running after midnight and, when the window
    reaches into the next day, tomorrow's."""
    has_frequency = select(t.frequencies.c.trip).distinct()
    days = _service_days(session, date, end)
    frequency_trips = {int(x) for x in session.scalars(has_frequency)}
    data = _stop_time_rows(session, days, start, end, has_frequency)
    if data is None:
        empty = np.zeros(0, np.int64)
        return Events(
            empty, empty, empty, empty, empty.astype(bool), empty.astype(bool), empty, empty
        )
    # one run per (trip, day it started); yesterday's and tomorrow's runs get their own numbers
    trip, shift = data[:, 0], data[:, 8]
    first = np.ones(len(data), dtype=bool)
    first[1:] = (trip[1:] != trip[:-1]) | (shift[1:] != shift[:-1])
    run = np.cumsum(first) - 1
    arrival, departure = _interpolate(data[:, 3], data[:, 4])
    arrival, departure = arrival - shift, departure - shift
    starts = np.flatnonzero(first)
    run_trip, run_route, run_shift = trip[starts], data[starts, 7], shift[starts]
    stop_index = np.full(int(stops.ids.max(initial=0)) + 1, -1, dtype=np.int64)
    stop_index[stops.ids] = np.arange(len(stops.ids))
    stop = stop_index[data[:, 2]]
    pickup, drop_off = data[:, 5] != 1, data[:, 6] != 1
    if frequency_trips:
        run, stop, arrival, departure, pickup, drop_off, run_trip, run_route = _expand_frequencies(
            session,
            (run, stop, arrival, departure, pickup, drop_off),
            run_trip,
            run_route,
            run_shift,
            frequency_trips,
        )
    events = Events(run, stop, arrival, departure, pickup, drop_off, run_trip, run_route)
    return _in_window(events, start, end)


def _service_days(session: Session, date: int, end: int) -> list[tuple[list[int], int]]:
    """(services running, seconds to add to their times) of the day, the day before and,
    when the window ``end`` passes midnight, the day after."""
    today = active_services(session, date)
    yesterday = active_services(session, _int_date(_date(date) - dt.timedelta(days=1)))
    days = [(today, 0), (yesterday, DAY)]
    if end >= DAY:
        days.append((active_services(session, _int_date(_date(date) + dt.timedelta(days=1))), -DAY))
    return days


def _stop_time_rows(
    session: Session,
    days: list[tuple[list[int], int]],
    start: int,
    end: int,
    has_frequency: Select[tuple[int]],
) -> np.ndarray | None:
    """The stop times of the trips that may run in the window, one row each: trip, seq,
    stop, arrival, departure (-1 untimed), pickup and drop-off type, route, shift (the
    seconds added for the day the trip started); None when there are none."""
    tr, st = t.trips, t.stop_times
    chunks: list[np.ndarray] = []
    for services, shift in days:
        if not services:
            continue
        overlapping = and_(
            tr.c.service.in_(services),
            or_(
                tr.c.id.in_(has_frequency),
                and_(tr.c.first_departure <= end + shift, tr.c.last_arrival >= start + shift),
            ),
        )
        query = (
            select(
                st.c.trip,
                st.c.seq,
                st.c.stop,
                st.c.arrival,
                st.c.departure,
                st.c.pickup_type,
                st.c.drop_off_type,
                tr.c.route,
            )
            .join(tr, tr.c.id == st.c.trip)
            .where(overlapping)
            .order_by(st.c.trip, st.c.seq)
        )
        rows = session.execute(query).all()
        if not rows:
            continue
        array = np.array(
            [tuple(-1 if v is None else v for v in r) for r in rows], dtype=np.int64
        ).reshape(-1, 8)
        array = np.column_stack([array, np.full(len(array), shift, dtype=np.int64)])
        chunks.append(array)
    return np.concatenate(chunks) if chunks else None


def _in_window(events: Events, start: int, end: int) -> Events:
    """The runs of ``events`` with an event in [start, end], numbered again from 0."""
    run, arrival, departure = events.run, events.arrival, events.departure
    run_first = np.full(int(run.max(initial=-1)) + 1, INF, dtype=np.int64)
    run_last = np.full(len(run_first), -INF, dtype=np.int64)
    np.minimum.at(run_first, run, departure)
    np.maximum.at(run_last, run, arrival)
    keep_run = (run_first <= end) & (run_last >= start)
    keep = keep_run[run]
    renumber = np.cumsum(keep_run) - 1
    return Events(
        run=renumber[run[keep]],
        stop=events.stop[keep],
        arrival=arrival[keep],
        departure=departure[keep],
        pickup=events.pickup[keep],
        drop_off=events.drop_off[keep],
        run_trip=events.run_trip[keep_run],
        run_route=events.run_route[keep_run],
    )


def _expand_frequencies(
    session: Session,
    columns: tuple[np.ndarray, ...],
    run_trip: np.ndarray,
    run_route: np.ndarray,
    run_shift: np.ndarray,
    frequency_trips: set[int],
) -> tuple[np.ndarray, ...]:
    """Replace each frequency-based run by one run per headway (its times as offsets)."""
    run, stop, arrival, departure, pickup, drop_off = columns
    fr = t.frequencies
    windows: dict[int, list[tuple[int, int, int]]] = {}
    for trip, start, end, headway in session.execute(
        select(fr.c.trip, fr.c.start_time, fr.c.end_time, fr.c.headway_secs).order_by(
            fr.c.trip, fr.c.start_time
        )
    ):
        windows.setdefault(int(trip), []).append((int(start), int(end), int(headway)))
    out: list[list[np.ndarray]] = [[] for _ in range(6)]
    out_trip: list[int] = []
    out_route: list[int] = []
    boundaries = np.flatnonzero(np.r_[True, run[1:] != run[:-1], True])
    next_run = 0
    for r in range(len(boundaries) - 1):
        a, b = boundaries[r], boundaries[r + 1]
        trip = int(run_trip[r])
        parts = (stop[a:b], arrival[a:b], departure[a:b], pickup[a:b], drop_off[a:b])
        if trip in frequency_trips:
            offset0 = int(departure[a])
            starts = [
                s - int(run_shift[r])
                for start, end, headway in windows.get(trip, [])
                for s in range(start, end, headway)
            ]
        else:
            offset0, starts = 0, [0]
        for begin in starts:
            delta = begin - offset0 if trip in frequency_trips else 0
            n = b - a
            out[0].append(np.full(n, next_run, dtype=np.int64))
            out[1].append(parts[0])
            out[2].append(parts[1] + delta)
            out[3].append(parts[2] + delta)
            out[4].append(parts[3])
            out[5].append(parts[4])
            out_trip.append(trip)
            out_route.append(int(run_route[r]))
            next_run += 1
    joined = [np.concatenate(o) if o else np.zeros(0, np.int64) for o in out]
    return (
        *joined,
        np.asarray(out_trip, dtype=np.int64),
        np.asarray(out_route, dtype=np.int64),
    )


@define
class Timetable:
    """What the router scans: columns of sorted run times, and footpaths."""

    date: int
    start: int
    end: int
    n_stops: int
    # per column (pattern position)
    col_stop: np.ndarray
    col_start: np.ndarray  # offset of the column's runs in the flat arrays
    col_runs: np.ndarray  # runs in the column's pattern
    col_first: np.ndarray  # bool: first position of its pattern
    col_board: np.ndarray  # bool: boarding allowed
    col_alight: np.ndarray  # bool: alighting allowed
    col_pattern: np.ndarray
    # per pattern
    pattern_cols: np.ndarray  # first column of each pattern, plus the total at the end
    pattern_route: np.ndarray
    # flat, column after column, runs in FIFO order
    dep_key: np.ndarray  # col * BIG + departure (sorted ascending)
    arrival: np.ndarray
    run_of: np.ndarray  # run number of each flat entry
    run_trip: np.ndarray
    # columns grouped by stop, for the per-stop minimum
    by_stop_order: np.ndarray
    by_stop_starts: np.ndarray
    by_stop_stops: np.ndarray
    # stop -> columns (CSR), for marking patterns
    stop_cols: np.ndarray
    stop_cols_start: np.ndarray
    # footpaths, grouped by target stop
    fp_from: np.ndarray
    fp_to: np.ndarray
    fp_time: np.ndarray
    fp_starts: np.ndarray
    fp_targets: np.ndarray
    # per stop: seconds a change of vehicles there needs (arrival + this = earliest boarding)
    change: np.ndarray
    n_events: int = 0
    n_runs: int = 0

    @property
    def n_columns(self) -> int:
        return len(self.col_stop)

    @property
    def n_patterns(self) -> int:
        return len(self.pattern_route)

    @classmethod
    def build(
        cls,
        events: Events,
        n_stops: int,
        footpaths: tuple[np.ndarray, np.ndarray, np.ndarray],
        *,
        change: np.ndarray | None = None,
        date: int = 0,
        start: int = 0,
        end: int = 2 * DAY,
    ) -> Timetable:
        blocks = _Blocks.of(events)
        n_patterns = len(blocks.pattern_route)
        widths = np.asarray([len(c) for c in blocks.col_stop], dtype=np.int64)
        pattern_cols = np.r_[0, np.cumsum(widths)].astype(np.int64)
        n_cols = int(pattern_cols[-1])
        stops_c = np.concatenate(blocks.col_stop) if n_patterns else np.zeros(0, np.int64)
        col_runs = np.repeat(np.asarray(blocks.pattern_runs, dtype=np.int64), widths)
        col_first = np.zeros(n_cols, dtype=bool)
        col_first[pattern_cols[:-1]] = True
        dep_flat, arr_flat, run_flat = (
            np.concatenate(b) if n_patterns else np.zeros(0, np.int64)
            for b in (blocks.dep, blocks.arr, blocks.run)
        )
        if len(dep_flat) and (dep_flat.min() + OFFSET < 0 or dep_flat.max() + OFFSET >= BIG):
            # cannot happen for times read from a feed (0 .. 999 h, shifted by one day at most)
            raise ValueError("timetable times out of range")
        dep_key = np.repeat(np.arange(n_cols), col_runs) * BIG + OFFSET + dep_flat
        assert np.all(np.diff(dep_key) >= 0), "columns must be sorted (FIFO)"
        order = np.argsort(stops_c, kind="stable")
        sorted_stops = stops_c[order]
        starts = (
            np.flatnonzero(np.r_[True, sorted_stops[1:] != sorted_stops[:-1]])
            if n_cols
            else (np.zeros(0, np.int64))
        )
        fp_from, fp_to, fp_time, fp_starts = _grouped_footpaths(footpaths)
        return cls(
            date=date,
            start=start,
            end=end,
            n_stops=n_stops,
            col_stop=stops_c.astype(np.int64),
            col_start=np.r_[0, np.cumsum(col_runs)[:-1]].astype(np.int64) if n_cols else col_runs,
            col_runs=col_runs,
            col_first=col_first,
            col_board=np.concatenate(blocks.col_board) if n_patterns else np.zeros(0, bool),
            col_alight=np.concatenate(blocks.col_alight) if n_patterns else np.zeros(0, bool),
            col_pattern=np.repeat(np.arange(n_patterns), widths),
            pattern_cols=pattern_cols,
            pattern_route=np.asarray(blocks.pattern_route, dtype=np.int64),
            dep_key=dep_key.astype(np.int64),
            arrival=arr_flat.astype(np.int64),
            run_of=run_flat.astype(np.int64),
            run_trip=events.run_trip,
            by_stop_order=order,
            by_stop_starts=starts,
            by_stop_stops=sorted_stops[starts] if n_cols else np.zeros(0, np.int64),
            stop_cols=order,
            stop_cols_start=np.searchsorted(sorted_stops, np.arange(n_stops + 1)),
            fp_from=fp_from.astype(np.int64),
            fp_to=fp_to.astype(np.int64),
            fp_time=fp_time.astype(np.int64),
            fp_starts=fp_starts.astype(np.int64),
            fp_targets=fp_to[fp_starts].astype(np.int64) if len(fp_to) else fp_to,
            change=(
                np.zeros(n_stops, np.int64) if change is None else np.asarray(change, np.int64)
            ),
            n_events=len(events.run),
            n_runs=len(events.run_trip),
        )


@define
class _Blocks:
    """The patterns of a day's runs, as blocks to be joined into the timetable's arrays: per
    pattern its stops and boarding rules (one entry per position), its runs' times and run
    numbers (position after position, runs in FIFO order), its route and number of runs."""

    col_stop: list[np.ndarray] = Factory(list)
    col_board: list[np.ndarray] = Factory(list)
    col_alight: list[np.ndarray] = Factory(list)
    dep: list[np.ndarray] = Factory(list)
    arr: list[np.ndarray] = Factory(list)
    run: list[np.ndarray] = Factory(list)
    pattern_route: list[int] = Factory(list)
    pattern_runs: list[int] = Factory(list)

    @classmethod
    def of(cls, events: Events) -> _Blocks:
        """Group runs by stop sequence and boarding rules, split so that none overtakes."""
        run = events.run
        bounds = np.flatnonzero(np.r_[True, run[1:] != run[:-1], True]) if len(run) else [0]
        signature = events.stop * 4 + events.pickup * 2 + events.drop_off
        groups: dict[bytes, list[int]] = {}
        for r in range(len(bounds) - 1):
            a, b = bounds[r], bounds[r + 1]
            if b - a >= 2:
                groups.setdefault(signature[a:b].tobytes(), []).append(r)
        blocks = cls()
        for runs in groups.values():
            a0 = bounds[runs[0]]
            width = bounds[runs[0] + 1] - a0
            offsets = np.asarray([bounds[r] for r in runs])
            idx = offsets[:, None] + np.arange(width)[None, :]
            dep, arr = events.departure[idx], events.arrival[idx]
            for part in _fifo_parts(dep, arr):
                rows = np.asarray(part)
                blocks.pattern_route.append(int(events.run_route[runs[rows[0]]]))
                blocks.pattern_runs.append(len(rows))
                blocks.col_stop.append(events.stop[a0 : a0 + width])
                blocks.col_board.append(events.pickup[a0 : a0 + width])
                blocks.col_alight.append(events.drop_off[a0 : a0 + width])
                blocks.dep.append(dep[rows].T.ravel())
                blocks.arr.append(arr[rows].T.ravel())
                blocks.run.append(np.tile(np.asarray(runs)[rows], width))
        return blocks


def _grouped_footpaths(
    footpaths: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(from, to, seconds) sorted by target stop, then origin, and where each target's
    footpaths start."""
    fp_from, fp_to, fp_time = footpaths
    fp_order = np.lexsort((fp_from, fp_to))
    fp_from, fp_to, fp_time = fp_from[fp_order], fp_to[fp_order], fp_time[fp_order]
    fp_starts = np.flatnonzero(np.r_[True, fp_to[1:] != fp_to[:-1]]) if len(fp_to) else fp_to
    return fp_from, fp_to, fp_time, fp_starts


def _fifo_parts(dep: np.ndarray, arr: np.ndarray) -> list[list[int]]:
    """Split runs (rows) into groups in which no run overtakes another, each sorted."""
    order = np.lexsort(tuple(dep[:, ::-1].T))  # by first departure, then the later ones
    dep, arr = dep[order], arr[order]
    if len(order) == 1 or (np.all(np.diff(dep, axis=0) >= 0) and np.all(np.diff(arr, axis=0) >= 0)):
        return [order.tolist()]
    parts: list[list[int]] = []
    lasts: list[int] = []
    for i in range(len(order)):
        for p, last in enumerate(lasts):
            if np.all(dep[i] >= dep[last]) and np.all(arr[i] >= arr[last]):
                parts[p].append(i)
                lasts[p] = i
                break
        else:
            parts.append([i])
            lasts.append(i)
    return [[int(order[i]) for i in part] for part in parts]


def footpaths(
    session: Session, stops: Stops, walking: Walking
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(from, to, seconds) walks between stops: nearby pairs, corrected by transfers.txt."""
    tree = PointTree(stops.lat, stops.lon)
    a, b, d = tree.pairs(walking.transfer_straight_m)
    times = walking.seconds(d)
    table: dict[tuple[int, int], int] = {
        (int(x), int(y)): int(s)
        for x, y, s in zip(a.tolist(), b.tolist(), times.tolist(), strict=True)
    }
    index = {int(db_id): i for i, db_id in enumerate(stops.ids)}
    # a rule between parent stations holds for every pair of their platforms
    children = _children(stops)
    for from_stop, to_stop, kind, minimum in session.execute(
        select(
            t.transfers.c.from_stop,
            t.transfers.c.to_stop,
            t.transfers.c.transfer_type,
            t.transfers.c.min_transfer_time,
        )
    ):
        a, b = index.get(int(from_stop)), index.get(int(to_stop))
        if a is None or b is None or a == b:
            continue
        for x in children.get(a, [a]):
            for y in children.get(b, [b]):
                if x == y:
                    continue
                if kind == 3:
                    table.pop((x, y), None)
                elif kind == 2 and minimum is not None:
                    table[(x, y)] = int(minimum)
                elif (x, y) not in table:
                    table[(x, y)] = int(walking.seconds(_distance(stops, x, y)))
    if not table:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    keys = np.asarray(list(table.keys()), dtype=np.int64)
    return keys[:, 0], keys[:, 1], np.asarray(list(table.values()), dtype=np.int64)


def change_times(session: Session, stops: Stops, default_s: int) -> np.ndarray:
    """Per stop: seconds needed to change vehicles there: ``default_s``, unless
    ``transfers.txt`` has a rule from the stop to itself (type 1 timed: 0, type 2: its
    ``min_transfer_time``, type 3: no change possible there). A rule on a parent station
    applies to each of its platforms."""
    out = np.full(len(stops), int(default_s), dtype=np.int64)
    index = {int(db_id): i for i, db_id in enumerate(stops.ids)}
    children = _children(stops)
    for from_stop, kind, minimum in session.execute(
        select(
            t.transfers.c.from_stop,
            t.transfers.c.transfer_type,
            t.transfers.c.min_transfer_time,
        ).where(t.transfers.c.from_stop == t.transfers.c.to_stop)
    ):
        x = index.get(int(from_stop))
        if x is None:
            continue
        if kind == 1:
            value = 0
        elif kind == 2:
            value = int(default_s) if minimum is None else int(minimum)
        elif kind == 3:
            value = int(INF)
        else:
            continue
        for stop in children.get(x, [x]):
            out[stop] = value
    return out


def _children(stops: Stops) -> dict[int, list[int]]:
    """Station index -> indexes of its platforms (only stations that have some)."""
    position = {s: i for i, s in enumerate(stops.stop_ids)}
    out: dict[int, list[int]] = {}
    for i, parent in enumerate(stops.parent_station):
        p = position.get(parent) if parent else None
        if p is not None and stops.location_type[p] == 1:
            out.setdefault(p, []).append(i)
    return out


def _distance(stops: Stops, x: int, y: int) -> float:
    return float(haversine_m(stops.lat[x], stops.lon[x], stops.lat[y], stops.lon[y]))


def stop_departures(events: Events, start: int, end: int, n_stops: int) -> np.ndarray:
    """Per stop: departures (boardable, not at a run's last stop) within [start, end)."""
    last = np.r_[events.run[1:] != events.run[:-1], True] if len(events.run) else events.pickup
    ok = events.pickup & ~last & (events.departure >= start) & (events.departure < end)
    return np.bincount(events.stop[ok], minlength=n_stops)


def runs_departing(events: Events, start: int, end: int) -> int:
    """Runs that someone can board between ``start`` and ``end`` (seconds of the day)."""
    if len(events.run) == 0:
        return 0
    last = np.r_[events.run[1:] != events.run[:-1], True]
    ok = events.pickup & ~last & (events.departure >= start) & (events.departure <= end)
    return len(np.unique(events.run[ok]))
