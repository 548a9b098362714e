"""A clearly fictitious demo timetable between the region's real railway stations (hook
``create_demo_data``).

The stations are real (the DB station list shipped with the plugin, filtered to the region);
the lines between them and their departures are made up, and every line, the agency and the
feed's file name say so. The demo is written as a GTFS feed and imported through the same
importer (and region check) as a real one. It is only imported while no real feed is loaded,
and again when its calendar runs out: a real feed is never replaced by the demo.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from core import csv_writer
from core import hookimpl
from sqlalchemy import select

from plugins.transit import tables as t
from plugins.transit.importer import import_feed
from plugins.transit.stations import Station
from plugins.transit.stations import in_region
from plugins.transit.stations import packaged_stations

if TYPE_CHECKING:
    from core import Platform
    from core import Region

__all__ = ["DEMO_FEED", "create_demo_data", "demo_feed", "demo_lines", "demo_stations"]

DEMO_FEED = "demo-fiktiver-fahrplan.zip"
AGENCY = "Demo-Verkehrsbetrieb (fiktiver Fahrplan)"
MAX_HOP_KM = 14.0
TOWN_KM = 4.5
MAX_STOPS = 12  # per line: a longer chain becomes two lines that meet
#: first and last departure at a line's ends (minutes after midnight), and the headway
FIRST, LAST, HEADWAY = 5 * 60, 23 * 60, 30
SPEED_KMH = 45.0
DAYS = 365


def _km(a: Station, b: Station) -> float:
    dy = (a.lat - b.lat) * 111.2
    dx = (a.lon - b.lon) * 111.2 * math.cos(math.radians((a.lat + b.lat) / 2))
    return math.hypot(dx, dy)


def demo_stations(region: Region) -> tuple[Station, ...]:
    """The real stations of the region's towns: the shipped DB list within ``TOWN_KM`` of a
    town's centre (the plugin's own region filter keeps a margin beyond the border for the
    walk to the nearest station; a demo line should not run there)."""
    centres = [Station("", "", t.center.lat, t.center.lon) for t in region.towns]
    return tuple(
        s
        for s in in_region(packaged_stations(), region)
        if min(_km(s, c) for c in centres) <= TOWN_KM
    )


def demo_lines(stations: tuple[Station, ...]) -> list[list[Station]]:
    """Lines through every station: chains of nearest neighbours, each joined to the others
    at a shared station so that one can change between them."""
    left = sorted(stations, key=lambda s: (s.lon, s.lat))
    lines: list[list[Station]] = []
    while left:
        line = [left.pop(0)]
        while left and len(line) < MAX_STOPS:
            nearest = min(left, key=lambda s: _km(line[-1], s))
            if _km(line[-1], nearest) > MAX_HOP_KM:
                break
            line.append(nearest)
            left.remove(nearest)
        if lines:
            # start where an earlier line passes closest: a place to change
            joint = min((s for old in lines for s in old), key=lambda s: _km(s, line[0]))
            if _km(joint, line[0]) <= 2 * MAX_HOP_KM:
                line.insert(0, joint)
        if len(line) > 1:
            lines.append(line)
    return lines


def _clock(minutes: float) -> str:
    m = int(round(minutes))
    return f"{m // 60:02d}:{m % 60:02d}:00"


def _table(rows: list[list[object]]) -> str:
    out = io.StringIO()
    csv_writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def demo_feed(stations: tuple[Station, ...], today: dt.date) -> dict[str, str]:
    """The GTFS files (name -> text) of the fictitious timetable, valid from ``today`` on."""
    lines = demo_lines(stations)
    used = {s.eva_id: s for line in lines for s in line}
    stops = [["stop_id", "stop_name", "stop_lat", "stop_lon"]]
    stops += [[f"demo-{s.eva_id}", s.name, s.lat, s.lon] for s in used.values()]
    routes = [["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"]]
    trips = [["route_id", "service_id", "trip_id", "direction_id"]]
    times = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]]
    for number, line in enumerate(lines, start=1):
        route = f"D{number}"
        routes.append(
            [
                route,
                "demo",
                f"{route} (fiktiv)",
                f"{line[0].name} – {line[-1].name} (fiktiver Fahrplan)",
                2,
            ]
        )
        for direction, path in enumerate((line, line[::-1])):
            for k, start in enumerate(range(FIRST, LAST + 1, HEADWAY)):
                trip = f"{route}-{direction}-{k}"
                trips.append([route, "daily", trip, direction])
                clock = float(start)
                for seq, stop in enumerate(path):
                    if seq:
                        clock += max(2.0, _km(path[seq - 1], stop) / SPEED_KMH * 60) + 1
                    times.append([trip, _clock(clock), _clock(clock), f"demo-{stop.eva_id}", seq])
    end = today + dt.timedelta(days=DAYS)
    return {
        "agency.txt": _table(
            [
                ["agency_id", "agency_name", "agency_url", "agency_timezone"],
                ["demo", AGENCY, "https://demo.example", "Europe/Berlin"],
            ]
        ),
        "stops.txt": _table(stops),
        "routes.txt": _table(routes),
        "trips.txt": _table(trips),
        "stop_times.txt": _table(times),
        "calendar.txt": _table(
            [
                [
                    "service_id",
                    *"monday tuesday wednesday thursday friday saturday sunday".split(),
                    "start_date",
                    "end_date",
                ],
                ["daily", 1, 1, 1, 1, 1, 1, 1, f"{today:%Y%m%d}", f"{end:%Y%m%d}"],
            ]
        ),
    }


@hookimpl
def create_demo_data(platform: Platform, seed: int, today: dt.date) -> str:
    """Import the fictitious timetable unless a real feed is loaded or the demo's still runs."""
    with platform.session() as session:
        loaded = session.execute(
            select(t.feeds.c.file_name, t.feeds.c.end_date).order_by(t.feeds.c.id.desc())
        ).first()
    if loaded is not None and loaded.file_name != DEMO_FEED:
        return f"real timetable {loaded.file_name} kept, no demo timetable"
    stations = demo_stations(platform.region)
    if not stations:
        return "no railway stations in the region, no demo timetable"
    if loaded is not None and (loaded.end_date or 0) >= int(
        f"{today + dt.timedelta(days=60):%Y%m%d}"
    ):
        return f"fiktiver Fahrplan (fictitious timetable) between {len(stations)} stations kept"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / DEMO_FEED
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in demo_feed(stations, today).items():
                archive.writestr(name, text)
        with platform.session(write=True) as session:
            report = import_feed(session, path, region=platform.region)
    files = report.details["files"]
    return (
        f"fiktiver Fahrplan (fictitious timetable): {files['routes.txt']['imported']} lines "
        f"between {files['stops.txt']['imported']} real stations"
    )
