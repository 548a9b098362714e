"""Generated GTFS feeds: small, deterministic, with the awkward parts real feeds have.

Transfers between lines and footpaths, an express overtaking the local train of the same
line, overnight trips (times past 24:00 from the day before), calendar exceptions (a service
added and one removed on the test day), a frequency-based line, untimed stops, a stop where
boarding is not allowed, a parent station with platforms, and transfers.txt rules.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from pathlib import Path

#: The test day (a Wednesday) and the area (in Emscher-Lippe, around Marl).
DATE = "20260311"
CENTRE = (51.656, 7.09)


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def generate_feed(
    seed: int = 1, *, n_stops: int = 36, n_routes: int = 7
) -> dict[str, list[list[str]]]:
    """The tables of a feed (name -> rows, first row the header)."""
    rng = random.Random(seed)
    lat0, lon0 = CENTRE
    stops = [["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type", "parent_station"]]
    coords = []
    for i in range(n_stops):
        lat = lat0 + rng.uniform(-0.02, 0.02)
        lon = lon0 + rng.uniform(-0.03, 0.03)
        coords.append((lat, lon))
        stops.append([f"S{i}", f"Haltestelle {i}", f"{lat:.6f}", f"{lon:.6f}", "0", ""])
    # a station with two platforms 40 m apart, and the station node itself
    stops.append(["ST", "Bahnhof Mitte", f"{lat0:.6f}", f"{lon0:.6f}", "1", ""])
    for p, dlon in (("P1", -0.0003), ("P2", 0.0003)):
        stops.append(
            [p, f"Bahnhof Mitte Gleis {p[1]}", f"{lat0:.6f}", f"{lon0 + dlon:.6f}", "0", "ST"]
        )
        coords.append((lat0, lon0 + dlon))
    stop_ids = [f"S{i}" for i in range(n_stops)] + ["P1", "P2"]

    routes = [["route_id", "agency_id", "route_short_name", "route_long_name", "route_type"]]
    trips = [["route_id", "service_id", "trip_id", "direction_id"]]
    times = [
        [
            "trip_id",
            "arrival_time",
            "departure_time",
            "stop_id",
            "stop_sequence",
            "pickup_type",
            "drop_off_type",
        ]
    ]
    frequencies = [["trip_id", "start_time", "end_time", "headway_secs", "exact_times"]]

    def add_trip(
        route: str,
        service: str,
        trip: str,
        path: list[str],
        start: int,
        hops: list[int],
        *,
        untimed: bool = False,
        no_pickup: int = -1,
    ) -> None:
        trips.append([route, service, trip, "0"])
        t = start
        for seq, stop in enumerate(path):
            arrival = t
            dwell = 30 if 0 < seq < len(path) - 1 else 0
            departure = t + dwell
            timed = not (untimed and 0 < seq < len(path) - 1 and seq % 2 == 1)
            times.append(
                [
                    trip,
                    hms(arrival) if timed else "",
                    hms(departure) if timed else "",
                    stop,
                    str(seq * 5 + 1),
                    "1" if seq == no_pickup else "0",
                    "0",
                ]
            )
            if seq < len(hops):
                t = departure + hops[seq]

    for r in range(n_routes):
        route = f"R{r}"
        routes.append([route, "A", f"{r + 1}", f"Linie {r + 1}", "3" if r else "2"])
        length = rng.randint(5, 10)
        path = rng.sample(stop_ids, length)
        if r == 0:
            path = ["P1", *path[1:]]
        elif r == 1:
            path = [*path[:-1], "P2"]
        hops = [rng.randint(60, 300) for _ in range(length - 1)]
        headway = rng.choice([600, 900, 1200])
        service = "WK" if r % 3 else "WK2"
        for direction, p, h in ((0, path, hops), (1, path[::-1], hops[::-1])):
            first = 5 * 3600 + rng.randint(0, headway)
            for n, start in enumerate(range(first, 10 * 3600, headway)):
                trip = f"{route}-{direction}-{n}"
                add_trip(
                    route,
                    service,
                    trip,
                    p,
                    start,
                    h,
                    untimed=(n % 3 == 0),
                    no_pickup=(2 if n % 4 == 1 else -1),
                )
            if r == 2:
                # an express on the same stops, leaving after a local and arriving before it
                for n, start in enumerate(range(first + 120, 10 * 3600, 3600)):
                    add_trip(
                        route,
                        service,
                        f"{route}-{direction}-x{n}",
                        p,
                        start,
                        [max(30, x // 3) for x in h],
                    )
    # calendar exceptions: EX runs only on the test day; WK2 is removed on it, WK runs
    r = n_routes
    routes.append([f"R{r}", "A", "E", "Sonderlinie", "3"])
    path = rng.sample(stop_ids, 6)
    for n in range(8):
        add_trip(f"R{r}", "EX", f"EX-{n}", path, 6 * 3600 + n * 900, [180] * 5)
    # overnight trips of yesterday's night service, running 29:30 .. 31:30 (5:30 .. 7:30)
    routes.append([f"R{r + 1}", "A", "N", "Nachtlinie", "3"])
    path = rng.sample(stop_ids, 7)
    for n in range(6):
        add_trip(f"R{r + 1}", "NIGHT", f"N-{n}", path, 29 * 3600 + 1800 + n * 1200, [420] * 6)
    # night trips that run today after midnight must not be used for the morning of today
    for n in range(3):
        add_trip(f"R{r + 1}", "NIGHT", f"N-late-{n}", path, 24 * 3600 + 1200 * n, [420] * 6)
    # a frequency-based line
    routes.append([f"R{r + 2}", "A", "F", "Taktlinie", "0"])
    path = rng.sample(stop_ids, 6)
    add_trip(f"R{r + 2}", "WK", "F-template", path, 6 * 3600, [150] * 5)
    frequencies.append(["F-template", "06:00:00", "08:30:00", "480", "0"])

    calendar = [
        [
            "service_id",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "start_date",
            "end_date",
        ],
        ["WK", "1", "1", "1", "1", "1", "0", "0", "20260101", "20261231"],
        ["WK2", "1", "1", "1", "1", "1", "0", "0", "20260101", "20261231"],
        ["NIGHT", "0", "1", "0", "0", "0", "0", "0", "20260101", "20261231"],
    ]
    calendar_dates = [
        ["service_id", "date", "exception_type"],
        ["EX", DATE, "1"],
        ["WK2", DATE, "2"],
        ["WK", "20260312", "2"],
    ]
    transfers = [["from_stop_id", "to_stop_id", "transfer_type", "min_transfer_time"]]
    for _ in range(6):
        a, b = rng.sample(stop_ids, 2)
        transfers.append([a, b, "2", str(rng.randint(120, 600))])
    transfers.append(["P1", "P2", "3", ""])
    transfers.append(["P1", "P1", "2", "60"])
    agency = [
        ["agency_id", "agency_name", "agency_url", "agency_timezone"],
        ["A", "Testverkehr", "https://example.org", "Europe/Berlin"],
    ]
    return {
        "agency.txt": agency,
        "stops.txt": stops,
        "routes.txt": routes,
        "trips.txt": trips,
        "stop_times.txt": times,
        "calendar.txt": calendar,
        "calendar_dates.txt": calendar_dates,
        "frequencies.txt": frequencies,
        "transfers.txt": transfers,
    }


def write_feed(
    path: Path,
    tables: dict[str, list[list[str]]],
    *,
    encoding: str = "utf-8",
    bom: bool = False,
    line_end: str = "\n",
    folder: str = "",
) -> Path:
    """Write ``tables`` as a GTFS zip (optionally Latin-1, with a BOM, CRLF, in a folder)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, rows in tables.items():
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator=line_end)
            writer.writerows(rows)
            data = buffer.getvalue().encode(encoding)
            if bom:
                data = b"\xef\xbb\xbf" + data
            z.writestr(folder + name, data)
    return path


def read_member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def derive_feed(source: Path, target: Path, changes: dict[str, bytes | None]) -> Path:
    """A copy of the zip ``source`` with some members replaced (bytes) or left out (None)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename in changes:
                continue
            z.writestr(info.filename, src.read(info.filename))
        for name, data in changes.items():
            if data is not None:
                z.writestr(name, data)
    return target


def overnight_copy(source: Path, target: Path) -> tuple[Path, set[str], set[str]]:
    """A copy of a real feed whose weekday trips partly run at night: every 5th short trip
    moved to 24:30-25:40 (after midnight, on the service day before), every 5th+4 across
    midnight (leaving 23:40-23:59, arriving past 24:00), every 5th+2 to 00:05-00:55 (early
    morning of its own day). Returns the path, the late trips and the early trips."""
    rows = list(csv.reader(io.StringIO(read_member(source, "stop_times.txt").decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}
    by_trip: dict[str, list[list[str]]] = {}
    for row in body:
        by_trip.setdefault(row[col["trip_id"]], []).append(row)

    def seconds(text: str) -> int:
        h, m, s = text.split(":")
        return int(h) * 3600 + int(m) * 60 + int(s)

    late, early = set(), set()
    short = [
        trip
        for trip, events in by_trip.items()
        if "Weekday-00-" in trip
        and seconds(events[-1][col["arrival_time"]]) - seconds(events[0][col["departure_time"]])
        <= 40 * 60
    ]
    for n, trip in enumerate(short):
        events = by_trip[trip]
        first = seconds(events[0][col["departure_time"]])
        duration = seconds(events[-1][col["arrival_time"]]) - first
        if n % 5 == 0:
            begin = 24 * 3600 + 1800 + (n * 420) % max(60, 70 * 60 - duration)
            late.add(trip)
        elif n % 5 == 2:
            begin = 300 + (n * 300) % max(60, 50 * 60 - duration)
            early.add(trip)
        elif n % 5 == 4:
            # across midnight: leaves at 23:40-23:59, arrives after 24:00
            begin = 24 * 3600 - 20 * 60 + (n * 60) % (19 * 60)
            if begin + duration <= 24 * 3600:
                begin = 24 * 3600 - duration // 2
            late.add(trip)
        else:
            continue
        for row in events:
            for name in ("arrival_time", "departure_time"):
                if row[col[name]]:
                    row[col[name]] = hms(seconds(row[col[name]]) - first + begin)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for events in by_trip.values():
        writer.writerows(events)
    derive_feed(source, target, {"stop_times.txt": buffer.getvalue().encode()})
    return target, late, early
