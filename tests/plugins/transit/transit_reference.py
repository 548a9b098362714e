"""A straightforward reference router: Dijkstra over a time-expanded graph, from the raw zip.

Independent of the plugin: it reads the GTFS files with the csv module, works out the day's
trips itself (calendar, calendar_dates, yesterday's trips after midnight, frequencies) and
searches with a binary heap. The journey model is the one the plugin documents:

* walk from the origin to any stop within ``max_walk_m`` (distance x detour), no further walk;
* ride vehicles; between two rides, change at the stop (taking at least the change time:
  ``min_transfer_min``, or a transfers.txt rule from the stop to itself) or take one footpath
  (stops within ``transfer_walk_m``, corrected by transfers.txt: type 3 removes, type 2 sets
  the time; a rule on a parent station holds for its platforms);
* after the last ride, walk at most one footpath, then to the destination within
  ``max_walk_m``; or walk straight from the origin when that is within ``max_walk_m``. A
  journey without a ride is only that straight walk (never origin -> stop -> destination).

The day's runs: the date's trips, yesterday's (times - 24 h) and tomorrow's (times + 24 h).

Walking time = round(great-circle metres x detour / speed) seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import io
import math
import zipfile
from bisect import bisect_left
from collections import defaultdict
from pathlib import Path

R = 6_371_008.8
DAY = 86_400


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * R * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def read_table(path: Path, name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as z:
        names = {n.rsplit("/", 1)[-1]: n for n in z.namelist()}
        if name not in names:
            return []
        raw = z.read(names[name])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return [
        {k.strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        for row in csv.DictReader(io.StringIO(text))
    ]


def seconds(text: str) -> int | None:
    if not text:
        return None
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + int(s)


class Walk:
    def __init__(
        self,
        max_walk_m=800.0,
        transfer_walk_m=300.0,
        speed_kmh=4.5,
        detour=1.3,
        min_transfer_min=0.0,
    ):
        self.max_walk_m, self.transfer_walk_m = max_walk_m, transfer_walk_m
        self.speed, self.detour = speed_kmh / 3.6, detour
        self.change = round(min_transfer_min * 60)

    def length(self, metres: float) -> float:
        return metres * self.detour

    def time(self, metres: float) -> int:
        return round(metres * self.detour / self.speed)


class ReferenceFeed:
    """The day's runs of a GTFS zip as plain Python lists."""

    def __init__(self, path: Path, date: dt.date, walk: Walk) -> None:
        self.walk = walk
        self.stops: dict[str, tuple[float, float]] = {}
        kinds: dict[str, int] = {}
        platforms: dict[str, list[str]] = defaultdict(list)
        for row in read_table(path, "stops.txt"):
            kind = int(row.get("location_type") or 0)
            if kind in (0, 1, 2) and row.get("stop_lat") and row.get("stop_lon"):
                self.stops[row["stop_id"]] = (float(row["stop_lat"]), float(row["stop_lon"]))
                kinds[row["stop_id"]] = kind
                if row.get("parent_station"):
                    platforms[row["parent_station"]].append(row["stop_id"])

        def members(stop: str) -> list[str]:
            return platforms[stop] if kinds.get(stop) == 1 and platforms.get(stop) else [stop]

        day_services = [
            (0, self._services(path, date)),
            (DAY, self._services(path, date - dt.timedelta(1))),
            (-DAY, self._services(path, date + dt.timedelta(1))),
        ]
        trips = {r["trip_id"]: r for r in read_table(path, "trips.txt")}
        times: dict[str, list[tuple[int, str, int | None, int | None, bool, bool]]] = defaultdict(
            list
        )
        for row in read_table(path, "stop_times.txt"):
            arr, dep = seconds(row.get("arrival_time", "")), seconds(row.get("departure_time", ""))
            times[row["trip_id"]].append(
                (
                    int(row["stop_sequence"]),
                    row["stop_id"],
                    arr if arr is not None else dep,
                    dep if dep is not None else arr,
                    row.get("pickup_type", "") != "1",
                    row.get("drop_off_type", "") != "1",
                )
            )
        frequencies = defaultdict(list)
        for row in read_table(path, "frequencies.txt"):
            frequencies[row["trip_id"]].append(
                (seconds(row["start_time"]), seconds(row["end_time"]), int(row["headway_secs"]))
            )
        self.runs: list[list[tuple[str, int, int, bool, bool]]] = []
        for trip_id, trip in trips.items():
            events = sorted(times.get(trip_id, []))
            if len(events) < 2:
                continue
            events = self._interpolated(events)
            for shift, services in day_services:
                if trip["service_id"] not in services:
                    continue
                starts = [0]
                if trip_id in frequencies:
                    first = events[0][2]
                    starts = [s - first for a, b, h in frequencies[trip_id] for s in range(a, b, h)]
                for delta in starts:
                    self.runs.append(
                        [
                            (s, a + delta - shift, d + delta - shift, p, o)
                            for s, a, d, p, o in events
                        ]
                    )
        self.footpaths: dict[str, list[tuple[str, int]]] = defaultdict(list)
        ids = list(self.stops)
        table: dict[tuple[str, str], int] = {}
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                d = haversine(*self.stops[a], *self.stops[b])
                if walk.length(d) <= walk.transfer_walk_m:
                    table[(a, b)] = table[(b, a)] = walk.time(d)
        self.change: dict[str, int] = {}
        for row in read_table(path, "transfers.txt"):
            a0, b0 = row["from_stop_id"], row["to_stop_id"]
            if a0 not in self.stops or b0 not in self.stops:
                continue
            kind = int(row.get("transfer_type") or 0)
            if a0 == b0:
                if kind in (1, 2, 3):
                    minimum = row.get("min_transfer_time")
                    value = {1: 0, 2: int(minimum) if minimum else walk.change, 3: None}[kind]
                    for a in members(a0):
                        self.change[a] = value
                continue
            for a in members(a0):
                for b in members(b0):
                    if a == b:
                        continue
                    if kind == 3:
                        table.pop((a, b), None)
                    elif kind == 2 and row.get("min_transfer_time"):
                        table[(a, b)] = int(row["min_transfer_time"])
                    elif kind in (0, 1, 2) and (a, b) not in table:
                        table[(a, b)] = walk.time(haversine(*self.stops[a], *self.stops[b]))
        for (a, b), w in table.items():
            self.footpaths[a].append((b, w))
        self.departures_at: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for r, run in enumerate(self.runs):
            for pos, (stop, _, dep, pickup, _) in enumerate(run[:-1]):
                if pickup and stop in self.stops:
                    self.departures_at[stop].append((dep, r, pos))
        for events in self.departures_at.values():
            events.sort()

    @staticmethod
    def _interpolated(events):
        known = [i for i, e in enumerate(events) if e[2] is not None]
        out = list(events)
        for a, b in zip(known, known[1:], strict=False):
            for i in range(a + 1, b):
                t = events[a][3] + (events[b][2] - events[a][3]) * (i - a) / (b - a)
                t = round(t)
                out[i] = (events[i][0], events[i][1], t, t, events[i][4], events[i][5])
        return [(s, a, d, p, o) for _, s, a, d, p, o in out]

    @staticmethod
    def _services(path: Path, date: dt.date) -> set[str]:
        day = date.strftime("%Y%m%d")
        names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        active = {
            row["service_id"]
            for row in read_table(path, "calendar.txt")
            if row[names[date.weekday()]] == "1" and row["start_date"] <= day <= row["end_date"]
        }
        for row in read_table(path, "calendar_dates.txt"):
            if row["date"] == day:
                if row["exception_type"] == "1":
                    active.add(row["service_id"])
                else:
                    active.discard(row["service_id"])
        return active

    def labels(
        self, lat: float, lon: float, departure: int, horizon: int
    ) -> tuple[dict[str, int], dict[str, int]]:
        """(earliest time one can board at each stop, earliest arrival at each stop having
        ridden a vehicle): Dijkstra over stop, run-position and alighting states, times as
        keys."""
        heap: list[tuple[int, int, str | tuple[int, int]]] = []
        for stop, (a, b) in self.stops.items():
            d = haversine(lat, lon, a, b)
            if self.walk.length(d) <= self.walk.max_walk_m:
                heapq.heappush(heap, (departure + self.walk.time(d), 0, stop))
        board: dict[str, int] = {}
        ridden: dict[str, int] = {}
        on_board: set[tuple[int, int]] = set()
        alighted: set[str] = set()
        limit = departure + horizon
        while heap:
            time, kind, what = heapq.heappop(heap)
            if time > limit:
                break
            if kind == 0:  # at a stop, free to board
                if what in board:
                    continue
                board[what] = time
                events = self.departures_at.get(what, [])
                for dep, r, pos in events[bisect_left(events, (time, -1, -1)) :]:
                    if (r, pos) not in on_board:
                        heapq.heappush(heap, (dep, 1, (r, pos)))
            elif kind == 1:  # on board run r, departing position pos
                if what in on_board:
                    continue
                on_board.add(what)
                r, pos = what
                stop, arr, dep, _, drop_off = self.runs[r][pos + 1]
                if drop_off and stop in self.stops:
                    heapq.heappush(heap, (arr, 2, stop))
                if pos + 2 < len(self.runs[r]) and (r, pos + 1) not in on_board:
                    heapq.heappush(heap, (dep, 1, (r, pos + 1)))
            elif kind == 2:  # got off a vehicle: change here, or take one footpath
                if what in alighted:
                    continue
                alighted.add(what)
                ridden.setdefault(what, time)
                change = self.change.get(what, self.walk.change)
                if change is not None:
                    heapq.heappush(heap, (time + change, 0, what))
                for other, walk_time in self.footpaths.get(what, []):
                    heapq.heappush(heap, (time + walk_time, 3, other))
            else:  # walked a footpath after a ride: here by vehicle and on foot
                ridden.setdefault(what, time)
                heapq.heappush(heap, (time, 0, what))
        return board, ridden

    def earliest(self, lat: float, lon: float, departure: int, horizon: int) -> dict[str, int]:
        """Earliest arrival at every stop having ridden at least one vehicle."""
        return self.labels(lat, lon, departure, horizon)[1]

    def travel_seconds(
        self,
        origin: tuple[float, float],
        points: list[tuple[float, float]],
        departures: list[int],
        horizon: int,
    ) -> list[int | None]:
        """Per point: the best (arrival - departure) over ``departures``; None beyond horizon."""
        out: list[int | None] = [None] * len(points)
        for departure in departures:
            best = self.earliest(origin[0], origin[1], departure, horizon)
            for i, (lat, lon) in enumerate(points):
                d = haversine(origin[0], origin[1], lat, lon)
                candidates = []
                if self.walk.length(d) <= self.walk.max_walk_m:
                    candidates.append(departure + self.walk.time(d))
                for stop, arrival in best.items():
                    e = haversine(lat, lon, *self.stops[stop])
                    if self.walk.length(e) <= self.walk.max_walk_m:
                        candidates.append(arrival + self.walk.time(e))
                if candidates:
                    total = min(candidates) - departure
                    if total <= horizon and (out[i] is None or total < out[i]):
                        out[i] = total
        return out
