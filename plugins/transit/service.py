"""The transit service of one process: the imported feed in memory, the router and its caches.

It follows the database like the search index does: at most every ``refresh_interval``
seconds it looks at the ``transit_feeds`` row, and a new import makes it reload. Everything a
request needs is prepared here (stop KD-tree, the day's timetable, departures per stop), so a
travel-time search is one router run (cached per origin) plus numpy over the companies.
"""

from __future__ import annotations

import re
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Hashable
from typing import TYPE_CHECKING
from typing import Any

import numpy as np
from attrs import define
from attrs import field
from core import Address
from core import GeocodingError
from core import InvalidQuery
from core import NotFound
from core import PluginSnapshot
from core import Sentence
from core import haversine_m
from sqlalchemy import func
from sqlalchemy import select

from plugins.transit import stations as rail
from plugins.transit import tables as t
from plugins.transit import timetable as tt
from plugins.transit.raptor import earliest_arrival
from plugins.transit.settings import TransitSettings
from plugins.transit.settings import format_clock
from plugins.transit.settings import parse_clock
from plugins.transit.walking import PointTree
from plugins.transit.walking import Walking

if TYPE_CHECKING:
    from core import IndexSource
    from core import Platform
    from core import SearchIndex
    from sqlalchemy.orm import Session

__all__ = ["DOMAIN", "Origin", "TransitService", "TravelTimes"]

#: The catalog domain of the plugin's texts (``locale/messages.toml``).
DOMAIN = "transit"


def said(key: str, **values: Any) -> Sentence:
    """The catalog text ``key`` as a message: English where a string goes (the API, logs),
    the page's language on a page."""
    return Sentence.message(DOMAIN, key, **values)


_LATLON = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*[,;]\s*(-?\d+(?:\.\d+)?)\s*")
_POSTCODE = re.compile(r"\b(\d{5})\b")


@define
class Origin:
    """A resolved place to travel from."""

    lat: float
    lon: float
    label: str

    @property
    def key(self) -> str:
        """Canonical text: coordinates to 5 decimals (about a metre)."""
        return f"{self.lat:.5f},{self.lon:.5f}"


@define
class TravelTimes:
    """The router's answer for one origin: best travel time to every stop."""

    origin: Origin
    #: per stop: min over the departures tried of (arrival - departure), seconds; INF: unreached
    stop_seconds: np.ndarray
    #: per stop: vehicles used on the fastest journey (-1 unreached)
    stop_rides: np.ndarray
    departures: np.ndarray
    seconds: float = 0.0


@define
class FeedState:
    """What one import of the feed gives this process."""

    version: tuple[Any, ...]
    date: int | None
    stops: tt.Stops
    tree: PointTree
    station_of: np.ndarray
    #: departures per hour in the morning, per stop and summed per station
    stop_per_hour: np.ndarray
    station_per_hour: np.ndarray
    timetable: tt.Timetable | None
    route_names: dict[int, tuple[str, int, str]] = field(factory=dict)
    #: vehicles leaving a stop between the first departure tried and the search's end
    search_runs: int = 0
    _stop_routes: list[tuple[int, ...]] | None = None


class TransitService:
    """Per process: the feed, the router and the caches behind the transit filters."""

    def __init__(self, platform: Platform, settings: TransitSettings) -> None:
        self.platform = platform
        self.settings = settings
        self.walking = Walking(
            detour=settings.walk_detour,
            speed_mps=settings.walk_speed_mps,
            max_walk_m=settings.max_walk_m,
            transfer_walk_m=settings.transfer_walk_m,
        )
        self._lock = threading.Lock()
        self._snapshot: PluginSnapshot[FeedState | None] = PluginSnapshot(
            platform, "transit", self._load_feed, self._no_feed, version=_feed_version
        )
        self._routes: OrderedDict[tuple[Any, str], TravelTimes] = OrderedDict()
        self._egress: weakref.WeakKeyDictionary[Any, tuple[Any, tuple[np.ndarray, ...]]] = (
            weakref.WeakKeyDictionary()
        )
        self._pending_egress: tuple[Any, np.ndarray, np.ndarray, tuple[np.ndarray, ...]] | None = (
            None
        )
        self._stations: tuple[Any, rail.StationSet, PointTree] | None = None
        self._listed: tuple[rail.StationSet | None] | None = None
        self.stats: dict[str, float] = {"routes": 0, "route_cache_hits": 0, "loads": 0}

    # --- feed state ------------------------------------------------------------------------

    @property
    def departures(self) -> np.ndarray:
        return np.asarray(self.settings.departures, dtype=np.int64)

    @property
    def horizon(self) -> int:
        return self.settings.max_travel_min * 60

    def state(self, *, force: bool = False) -> FeedState | None:
        """The loaded feed, reloaded when another import happened (checked at intervals)."""
        return self._snapshot.get(force=force)

    def _no_feed(self) -> None:
        self._routes.clear()

    def _load_feed(self, session: Session, version: tuple[Any, ...] | None) -> FeedState | None:
        self._routes.clear()
        return None if version is None else self._load(session, version)

    def _load(self, session: Session, version: tuple[Any, ...]) -> FeedState:
        started = time.perf_counter()
        s = self.settings
        date = (
            int(s.service_date.replace("-", "")) if s.service_date else None
        ) or tt.busiest_weekday(session)
        stops = tt.load_stops(session)
        morning = (parse_clock(s.morning_from), parse_clock(s.morning_to))
        first, last = s.window
        window = (min(morning[0], first), max(morning[1], last + self.horizon))
        timetable = None
        search_runs = 0
        stop_per_hour = np.zeros(len(stops))
        if date is not None and len(stops):
            events = tt.load_events(session, date, window[0], window[1], stops)
            hours = (morning[1] - morning[0]) / 3600
            counts = tt.stop_departures(events, morning[0], morning[1], len(stops))
            stop_per_hour = counts / hours
            paths = tt.footpaths(session, stops, self.walking)
            change = tt.change_times(session, stops, s.min_transfer_s)
            timetable = tt.Timetable.build(
                events,
                len(stops),
                paths,
                change=change,
                date=date,
                start=window[0],
                end=window[1],
            )
            search_runs = tt.runs_departing(events, first, last + self.horizon)
        route_names = {
            int(r.id): (r.short_name, int(r.route_type), r.long_name)
            for r in session.execute(
                select(
                    t.routes.c.id,
                    t.routes.c.short_name,
                    t.routes.c.route_type,
                    t.routes.c.long_name,
                )
            )
        }
        station_of = stops.station_of()
        station_per_hour = np.bincount(station_of, weights=stop_per_hour, minlength=len(stops))
        self.stats["loads"] += 1
        self.stats["last_load_seconds"] = time.perf_counter() - started
        return FeedState(
            version=version,
            date=date,
            stops=stops,
            tree=PointTree(stops.lat, stops.lon),
            station_of=station_of,
            stop_per_hour=stop_per_hour,
            station_per_hour=station_per_hour,
            timetable=timetable,
            route_names=route_names,
            search_runs=search_runs,
        )

    def window_warning(self, *, force: bool = False) -> str | None:
        """A sentence when the travel-time search cannot find anything: no service day, or
        no vehicle leaving in the search window on it (None when all is well)."""
        state = self.state(force=force)
        if state is None:
            return None
        if state.date is None:
            return (
                "The feed has no Tuesday to Thursday with service and no service_date is set: "
                "every travel-time filter stays empty. Set plugins.transit.service_date to a "
                "day the feed covers."
            )
        if state.timetable is None or state.search_runs > 0:
            return None
        first, last = self.settings.window
        with self.platform.session() as session:
            services = tt.active_services(session, state.date)
            span = session.execute(
                select(func.min(t.trips.c.first_departure), func.max(t.trips.c.last_arrival)).where(
                    t.trips.c.service.in_(services)
                )
            ).one()
        runs = (
            f"its trips on that day run {format_clock(int(span[0]))}-{format_clock(int(span[1]))}"
            if span[0] is not None
            else "no trip runs on that day"
        )
        return (
            f"No vehicle leaves between {format_clock(first)} and "
            f"{format_clock(last + self.horizon)} on the service day {state.date} "
            f"(departure {self.settings.window_label} plus max_travel_min), so every "
            f"travel-time filter stays empty; {runs}. Set plugins.transit.departure (or "
            "service_date) to a time the feed covers."
        )

    def stop_routes(self, state: FeedState) -> list[tuple[int, ...]]:
        """Per stop: database ids of the routes that serve it (any day), loaded once."""
        if state._stop_routes is None:
            pairs: list[set[int]] = [set() for _ in range(len(state.stops))]
            index = {int(db_id): i for i, db_id in enumerate(state.stops.ids)}
            with self.platform.session() as session:
                query = (
                    select(t.stop_times.c.stop, t.trips.c.route)
                    .join(t.trips, t.trips.c.id == t.stop_times.c.trip)
                    .distinct()
                )
                for stop, route in session.execute(query):
                    position = index.get(int(stop))
                    if position is not None:
                        pairs[position].add(int(route))
            state._stop_routes = [tuple(sorted(p)) for p in pairs]
        return state._stop_routes

    # --- railway stations -------------------------------------------------------------------

    def _listed_stations(self) -> rail.StationSet | None:
        """The DB list (shipped or a file) filtered to the region; None for gtfs/none (read
        once: the settings and the region do not change while the process runs)."""
        if self._listed is None:
            self._listed = (self._read_listed_stations(),)
        return self._listed[0]

    def _read_listed_stations(self) -> rail.StationSet | None:
        source = self.settings.stations
        if source in ("gtfs", "none"):
            return None
        if source in ("auto", "db"):
            found = rail.in_region(rail.packaged_stations(), self.platform.region)
            if not found and source == "auto":
                return None
            return rail.StationSet(found, "db", rail.ATTRIBUTION)
        found = rail.in_region(rail.read_station_file(source), self.platform.region)
        return rail.StationSet(found, "file", rail.ATTRIBUTION)

    def station_attribution(self) -> str:
        """What the stations layer credits (the DB list's licence, or the feed)."""
        listed = self._listed_stations()
        return listed.attribution if listed is not None else ""

    def stations(self) -> tuple[rail.StationSet, PointTree]:
        """The railway stations in use and their KD-tree (the feed's follow each import)."""
        source = self.settings.stations
        listed = None if source == "gtfs" else self._listed_stations()
        needs_feed = listed is None and source != "none"
        state = self.state() if needs_feed else None
        key = (source, state.version if state is not None else None)
        cached = self._stations
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        if listed is not None:
            chosen = listed
        elif state is not None:
            chosen = rail.StationSet(self._feed_stations(state), "gtfs", "")
        else:
            chosen = rail.StationSet((), source, "")
        tree = PointTree(chosen.lat, chosen.lon)
        self._stations = (key, chosen, tree)
        return chosen, tree

    def _feed_stations(self, state: FeedState) -> tuple[rail.Station, ...]:
        """Stops served by rail routes, each platform folded into its parent station."""
        with self.platform.session() as session:
            query = (
                select(t.stop_times.c.stop)
                .join(t.trips, t.trips.c.id == t.stop_times.c.trip)
                .join(t.routes, t.routes.c.id == t.trips.c.route)
                .where(t.routes.c.route_type.in_(rail.RAIL_ROUTE_TYPES))
                .distinct()
            )
            served = {int(x) for x in session.scalars(query)}
        index = {int(db_id): i for i, db_id in enumerate(state.stops.ids)}
        stops = state.stops
        chosen = sorted({int(state.station_of[index[s]]) for s in served if s in index})
        return tuple(
            rail.Station(
                stops.stop_ids[i], stops.names[i], float(stops.lat[i]), float(stops.lon[i])
            )
            for i in chosen
        )

    # --- company columns (index build time) ------------------------------------------------

    def nearest_stop_column(self, source: IndexSource) -> np.ndarray:
        """Metres (straight line) from each company to its nearest stop; NaN without a feed."""
        state = self.state(force=True)
        if state is None or len(state.stops) == 0 or len(source) == 0:
            return np.full(len(source), np.nan)
        _, metres = state.tree.nearest(source.lat, source.lon)
        return np.round(metres, 1)

    def departures_column(self, source: IndexSource) -> np.ndarray:
        """Departures per hour on a weekday morning at the best station within walking
        distance (each stop's departures summed per station); 0 when none is in reach."""
        state = self.state()
        if state is None or len(source) == 0:
            return np.full(len(source), np.nan)
        rows, stops, metres = state.tree.within(source.lat, source.lon, self.walking.max_straight_m)
        # the same pairs serve the travel-time column of the index built from this source
        self._pending_egress = (
            state.version,
            np.array(source.lat),
            np.array(source.lon),
            (rows, stops, self.walking.seconds(metres)),
        )
        out = np.zeros(len(source))
        if len(rows):
            np.maximum.at(out, rows, state.station_per_hour[state.station_of[stops]])
        return np.round(out, 1)

    # --- travel times ----------------------------------------------------------------------

    def parse_origin(self, text: str) -> str:
        """The canonical argument of ``transit_from`` (coordinates); InvalidQuery if unknown."""
        return self.resolve_origin(text).key

    def resolve_origin(self, text: str) -> Origin:
        """A place from coordinates, ``stop:<id>``, a postcode, a town, a stop name or an
        address with a postcode."""
        text = text.strip()
        problem = {"transit_from": ["unknown place"]}
        match = _LATLON.fullmatch(text)
        if match:
            lat, lon = float(match[1]), float(match[2])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise InvalidQuery(said("origin.outside_world", value=repr(text)), problem)
            return Origin(lat, lon, text)
        state = self.state()
        if text.lower().startswith("stop:"):
            wanted = text[5:].strip()
            if state is not None and wanted in state.stops.stop_ids:
                i = state.stops.stop_ids.index(wanted)
                return Origin(
                    float(state.stops.lat[i]), float(state.stops.lon[i]), state.stops.names[i]
                )
            raise InvalidQuery(said("origin.no_stop", value=repr(wanted)), problem)
        if re.fullmatch(r"\d{5}", text):
            try:
                where = self.platform.locate_postcode(text)
            except GeocodingError as exc:
                raise InvalidQuery(exc.message, problem) from None
            return Origin(where.lat, where.lon, text)
        try:
            where = self.platform.locate_town(text)
            return Origin(where.lat, where.lon, text)
        except (GeocodingError, NotFound):
            pass
        if state is not None:
            folded = text.casefold()
            for i, name in enumerate(state.stops.names):
                if name.casefold() == folded:
                    return Origin(float(state.stops.lat[i]), float(state.stops.lon[i]), name)
        postcode = _POSTCODE.search(text)
        if postcode:
            street = text[: postcode.start()].strip(" ,")
            town = text[postcode.end() :].strip(" ,")
            try:
                where = self.platform.locate(Address(street, postcode[1], town))
                return Origin(where.lat, where.lon, text)
            except GeocodingError:
                pass
        raise InvalidQuery(said("origin.unknown", value=repr(text)), problem)

    def route_from(self, origin: Origin) -> TravelTimes | None:
        """Best travel time from ``origin`` to every stop (cached per origin and feed)."""
        state = self.state()
        if state is None or state.timetable is None:
            return None
        cache_key = (state.version, origin.key)
        with self._lock:
            cached = self._routes.get(cache_key)
            if cached is not None:
                self._routes.move_to_end(cache_key)
                self.stats["route_cache_hits"] += 1
                return cached
        started = time.perf_counter()
        rows, stops, metres = state.tree.within(
            np.array([origin.lat]), np.array([origin.lon]), self.walking.max_straight_m
        )
        deps = self.departures
        labels = earliest_arrival(
            state.timetable,
            stops,
            self.walking.seconds(metres),
            deps,
            max_rides=self.settings.max_rides,
            horizon=self.horizon,
        )
        relative = np.where(labels.arrival < tt.INF, labels.arrival - deps[:, None], tt.INF)
        best = relative.argmin(axis=0)
        stop_seconds = relative[best, np.arange(relative.shape[1])]
        rides = labels.rides[best, np.arange(relative.shape[1])]
        answer = TravelTimes(origin, stop_seconds, rides, deps, time.perf_counter() - started)
        with self._lock:
            self._routes[cache_key] = answer
            while len(self._routes) > self.settings.cache_size:
                self._routes.popitem(last=False)
            self.stats["routes"] += 1
        return answer

    def _egress_for(self, index: SearchIndex, state: FeedState) -> tuple[np.ndarray, ...]:
        """Per index snapshot: (rows, stops, walk seconds) of company-stop pairs in reach."""
        cached = self._egress.get(index)
        if cached is not None and cached[0] == state.version:
            return cached[1]
        pending = self._pending_egress
        if (
            pending is not None
            and pending[0] == state.version
            and np.array_equal(pending[1], index.lat)
            and np.array_equal(pending[2], index.lon)
        ):
            self._egress[index] = (state.version, pending[3])
            return pending[3]
        rows, stops, metres = state.tree.within(index.lat, index.lon, self.walking.max_straight_m)
        pairs = (rows, stops, self.walking.seconds(metres))
        self._egress[index] = (state.version, pairs)
        return pairs

    def travel_column(self, index: SearchIndex, argument: Hashable) -> np.ndarray:
        """Minutes from the origin ``argument`` to every company of ``index`` (NaN: not
        within ``max_travel_min``)."""
        n = len(index.ids)
        state = self.state()
        lat_text, lon_text = str(argument).split(",")
        origin = Origin(float(lat_text), float(lon_text), str(argument))
        seconds = self.travel_seconds(origin, index.lat, index.lon, index=index, state=state)
        out = np.full(n, np.nan)
        ok = seconds <= self.horizon
        out[ok] = seconds[ok] / 60.0
        return out

    def travel_seconds(
        self,
        origin: Origin,
        lat: np.ndarray,
        lon: np.ndarray,
        *,
        index: SearchIndex | None = None,
        state: FeedState | None = None,
    ) -> np.ndarray:
        """Seconds from ``origin`` to each point (INF as float where unreached): the best of
        walking directly and riding to a stop within walking distance of the point."""
        state = state or self.state()
        lat, lon = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
        n = len(lat)
        best = np.full(n, np.inf)
        direct = haversine_m(origin.lat, origin.lon, lat, lon)
        near = direct <= self.walking.max_straight_m
        best[near] = self.walking.seconds(direct[near])
        answer = self.route_from(origin) if state is not None else None
        if answer is None or state is None:
            return best
        if index is not None:
            rows, stops, walk = self._egress_for(index, state)
        else:
            rows, stops, metres = state.tree.within(lat, lon, self.walking.max_straight_m)
            walk = self.walking.seconds(metres)
        reach = answer.stop_seconds[stops]
        ok = reach < tt.INF
        if ok.any():
            total = (reach[ok] + walk[ok]).astype(np.float64)
            np.minimum.at(best, rows[ok], total)
        return best


__all__ += ["FeedState"]


def _feed_version(session: Session) -> tuple[Any, ...] | None:
    """The newest import (id, checksum, time): a feed is replaced as a whole, so it marks the
    version of the loaded timetable; None without a feed."""
    row = session.execute(
        select(t.feeds.c.id, t.feeds.c.sha256, t.feeds.c.imported_at)
        .order_by(t.feeds.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else tuple(row)
