"""Importing a GTFS feed into the ``transit_*`` tables: streamed, chunked, all or nothing.

``import_feed(session, path)`` replaces the imported feed by the one in ``path`` inside the
caller's transaction (the caller commits; an exception leaves the database as it was). Rows
are read one at a time and inserted in chunks, so memory stays bounded by the number of stops,
routes and trips (their id look-ups), never by the number of stop times.

Strict by default: a feed in which any row would be left out (a row referring to an unknown
id, a bad value, a file cut off in the middle of a record, a trip that cannot be ridden) is
refused as a whole (``ImportError_`` naming the first problems and the counts), and so is a
feed lying mostly outside the configured region (``OutsideRegionError``). ``skip_invalid``
imports the valid rows and reports what was left out; ``allow_outside_region`` imports data
of another region. Files that are not what they should be (a ``;``-separated table, UTF-16
text, an Excel workbook, a zip inside the zip) are named with the fix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
from attrs import define
from attrs import field
from core import ImportError_
from core import ImportProblem
from core import ImportReport
from core import Region
from core import check_in_region
from core import reindex_all
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from plugins.transit import tables as t
from plugins.transit.gtfs import GtfsZip
from plugins.transit.gtfs import TruncatedRecord
from plugins.transit.gtfs import parse_date
from plugins.transit.gtfs import parse_time

__all__ = ["FileReport", "clear_feed", "feed_size", "identify", "import_feed"]

#: Rows per INSERT batch.
CHUNK = 10_000
#: Examples of rejected rows kept per file.
EXAMPLES = 10
#: Problems a refused import names (the counts cover all of them).
NAMED_PROBLEMS = 5
REQUIRED = ("stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
_WHAT = ("stops", "routes", "trips", "stop times")
USED = (
    "agency.txt",
    "stops.txt",
    "routes.txt",
    "calendar.txt",
    "calendar_dates.txt",
    "trips.txt",
    "stop_times.txt",
    "frequencies.txt",
    "transfers.txt",
)
#: Stop location types that are places with coordinates someone can be at (0 stop, 1 station,
#: 2 entrance); 3 generic nodes and 4 boarding areas need no coordinates and are not used.
PLACE_TYPES = (0, 1, 2)


@define
class FileReport:
    """What happened to the rows of one file."""

    name: str
    encoding: str = "utf-8"
    read: int = 0
    imported: int = 0
    skipped: int = 0
    reasons: Counter[str] = field(factory=Counter)
    examples: list[str] = field(factory=list)

    @property
    def rejected(self) -> int:
        return int(sum(self.reasons.values()))

    def reject(self, line: int, reason: str, value: str = "") -> None:
        """Count a row left out; ``value`` (the offending value) goes into the example."""
        self.reasons[reason] += 1
        if len(self.examples) < EXAMPLES:
            shown = f" ({value[:60]!r})" if value else ""
            self.examples.append(f"line {line}: {reason}{shown}")

    def as_dict(self) -> dict[str, Any]:
        return {**attrs.asdict(self), "rejected": self.rejected}


@define
class _Feed:
    """What an import found in the feed: per file counts, warnings and the feed's facts."""

    files: dict[str, FileReport] = field(factory=dict)
    warnings: list[str] = field(factory=list)
    start_date: int | None = None
    end_date: int | None = None
    agencies: list[str] = field(factory=list)
    #: trips kept with fewer stop times than the file lists (rows of theirs were left out)
    partial_trips: int = 0
    partial_examples: list[str] = field(factory=list)

    @property
    def dropped(self) -> int:
        """Rows left out (all files), trips dropped after reading included."""
        return sum(f.rejected for f in self.files.values())

    def problems(self, limit: int = NAMED_PROBLEMS) -> list[str]:
        """The first problems, ``file line N: reason``, then counts per reason."""
        named = [
            f"{report.name} {example}"
            for report in self.files.values()
            for example in report.examples
        ]
        # a cut-off file explains the rest (trips without stop times): name it first
        named.sort(key=lambda text: "ends in the middle of a record" not in text)
        named = named[:limit]
        counts = [
            f"{report.name}: {n} x {reason}"
            for report in self.files.values()
            for reason, n in report.reasons.most_common()
        ]
        return named + counts

    def count(self, name: str) -> int:
        report = self.files.get(name)
        return report.imported if report else 0


def _report(feed: _Feed, path: Path, ignored: list[str], skip_invalid: bool) -> ImportReport:
    """The import's report: rows read and imported, those left out with their reasons, the
    feed's facts as notes, the per-file figures in ``details``."""
    report = ImportReport(path.name, "gtfs", read=sum(f.read for f in feed.files.values()))
    report.created = sum(f.imported for f in feed.files.values())
    report.invalid = feed.dropped
    report.rejected = [
        ImportProblem(f"{f.name} {where}", reason)
        for f in feed.files.values()
        for where, _, reason in (example.partition(": ") for example in f.examples)
    ]
    report.warnings = [ImportProblem("", w) for w in feed.warnings]
    counts = ", ".join(
        f"{feed.count(name)} {what}" for name, what in zip(REQUIRED, _WHAT, strict=True)
    )
    report.notes.append(f"Fahrplan (timetable): {counts}")
    if feed.start_date and feed.end_date:
        report.notes.append(f"Gültig (valid) {feed.start_date} .. {feed.end_date}")
    if feed.agencies:
        report.notes.append("Verkehrsunternehmen (agencies): " + ", ".join(feed.agencies))
    if feed.partial_trips:
        report.notes.append(
            f"{feed.partial_trips} trip(s) kept with fewer stop times than the file lists: "
            + "; ".join(feed.partial_examples)
        )
    if feed.dropped:
        report.notes.append(
            f"{feed.dropped} rows or trips left out (--skip-invalid): the timetable is incomplete"
        )
    if ignored:
        report.notes.append("Nicht verwendet (not used): " + ", ".join(ignored))
    report.details = {
        "files": {name: f.as_dict() for name, f in feed.files.items()},
        "start_date": feed.start_date,
        "end_date": feed.end_date,
        "agencies": list(feed.agencies),
        "ignored_files": ignored,
        "partial_trips": feed.partial_trips,
        "partial_examples": list(feed.partial_examples),
        "skip_invalid": skip_invalid,
    }
    return report


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _int(text: str, default: int | None = None) -> int | None:
    text = text.strip()
    if not text:
        return default
    return int(float(text)) if "." in text else int(text)


def _color(text: str) -> str:
    text = text.strip().lstrip("#")
    return (
        text.upper() if len(text) == 6 and all(c in "0123456789abcdefABCDEF" for c in text) else ""
    )


class _Importer:
    def __init__(
        self,
        session: Session,
        feed: GtfsZip,
        found: _Feed,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.session = session
        self.feed = feed
        self.found = found
        self.progress = progress
        self.stop_ids: dict[str, int] = {}
        self.route_ids: dict[str, int] = {}
        self.service_ids: dict[str, int] = {}
        self.trip_ids: dict[str, int] = {}
        self.stop_lat: list[float] = []
        self.stop_lon: list[float] = []
        #: trips with stop time rows left out: trip -> rows left out
        self.partial: Counter[int] = Counter()
        self.cut_trip = -1

    # --- helpers ---------------------------------------------------------------------------

    def rows(self, name: str) -> tuple[FileReport, list[str], Iterator[tuple[int, dict[str, str]]]]:
        _check_text(name, self.feed.head(name))
        encoding = self.feed.encoding(name)
        file_report = FileReport(name, "utf-8" if encoding == "utf-8-sig" else encoding)
        self.found.files[name] = file_report
        if encoding == "latin-1":
            self.found.warnings.append(
                f"{name} is not valid UTF-8 (as GTFS requires); it was read as Latin-1."
            )
        columns, rows = self.feed.rows(name, encoding, self.progress)
        return file_report, columns, _guarded(file_report, rows)

    def require(self, name: str, columns: list[str], needed: Iterable[str]) -> None:
        missing = [c for c in needed if c not in columns]
        if not missing:
            return
        header = ",".join(columns)
        for delimiter, label in ((";", "semicolons (;)"), ("\t", "tabs"), ("|", "bars (|)")):
            if delimiter in header and header.count(delimiter) >= header.count(",") + 1:
                raise ImportError_(
                    f"{name} is separated by {label}, not by commas as GTFS requires (its "
                    f"header reads {header[:80]!r}); nothing was imported. Save the file as "
                    "CSV with commas as separators (e.g. LibreOffice: 'Save as', 'Text CSV', "
                    "field delimiter ','), zip the feed again and import it.",
                    {name: [f"separated by {label}, not commas"]},
                )
        raise ImportError_(
            f"{name} lacks the required column(s) {', '.join(missing)} (its header reads "
            f"{header[:80]!r}); nothing was imported.",
            {name: [f"missing column {c}" for c in missing]},
        )

    def insert(self, table: Any, batch: list[dict[str, Any]]) -> None:
        if batch:
            self.session.execute(insert(table), batch)
            batch.clear()

    # --- files -----------------------------------------------------------------------------

    def agencies(self) -> None:
        if not self.feed.has("agency.txt"):
            self.found.warnings.append("agency.txt is missing (GTFS requires it); continuing.")
            return
        file_report, _, rows = self.rows("agency.txt")
        for _, row in rows:
            file_report.read += 1
            name = row.get("agency_name", "")
            if name:
                self.found.agencies.append(name)
                file_report.imported += 1
            else:
                file_report.skipped += 1

    def stops(self) -> None:
        file_report, columns, rows = self.rows("stops.txt")
        self.require("stops.txt", columns, ("stop_id",))
        batch: list[dict[str, Any]] = []
        for line, row in rows:
            file_report.read += 1
            stop_id = row.get("stop_id", "")
            if not stop_id:
                file_report.reject(line, "stop_id is empty")
                continue
            if stop_id in self.stop_ids:
                file_report.reject(line, "stop_id appears twice", stop_id)
                continue
            try:
                location_type = _int(row.get("location_type", ""), 0) or 0
            except ValueError:
                file_report.reject(line, "location_type is not a number")
                continue
            try:
                lat = float(row.get("stop_lat", ""))
                lon = float(row.get("stop_lon", ""))
            except ValueError:
                if location_type in PLACE_TYPES:
                    file_report.reject(line, "stop_lat/stop_lon missing or not numbers")
                else:
                    file_report.skipped += 1
                continue
            if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
                file_report.reject(line, "coordinates outside the world or 0,0")
                continue
            if location_type not in PLACE_TYPES:
                file_report.skipped += 1
                continue
            number = len(self.stop_ids) + 1
            self.stop_ids[stop_id] = number
            self.stop_lat.append(lat)
            self.stop_lon.append(lon)
            batch.append(
                {
                    "id": number,
                    "stop_id": stop_id,
                    "code": row.get("stop_code", "")[:100],
                    "name": row.get("stop_name", "")[:500] or stop_id,
                    "lat": lat,
                    "lon": lon,
                    "location_type": location_type,
                    "parent_station": row.get("parent_station", "")[:255],
                }
            )
            file_report.imported += 1
            if len(batch) >= CHUNK:
                self.insert(t.stops, batch)
        self.insert(t.stops, batch)

    def routes(self) -> None:
        file_report, columns, rows = self.rows("routes.txt")
        self.require("routes.txt", columns, ("route_id",))
        batch: list[dict[str, Any]] = []
        for line, row in rows:
            file_report.read += 1
            route_id = row.get("route_id", "")
            if not route_id:
                file_report.reject(line, "route_id is empty")
                continue
            if route_id in self.route_ids:
                file_report.reject(line, "route_id appears twice")
                continue
            try:
                route_type = _int(row.get("route_type", ""), 3)
            except ValueError:
                file_report.reject(line, "route_type is not a number")
                continue
            short, long = row.get("route_short_name", ""), row.get("route_long_name", "")
            number = len(self.route_ids) + 1
            self.route_ids[route_id] = number
            batch.append(
                {
                    "id": number,
                    "route_id": route_id,
                    "agency_id": row.get("agency_id", "")[:255],
                    "short_name": (short or long or route_id)[:100],
                    "long_name": long[:500],
                    "route_type": route_type,
                    "color": _color(row.get("route_color", "")),
                    "text_color": _color(row.get("route_text_color", "")),
                }
            )
            file_report.imported += 1
        self.insert(t.routes, batch)

    def calendar(self) -> None:
        has_calendar = self.feed.has("calendar.txt")
        has_dates = self.feed.has("calendar_dates.txt")
        if not (has_calendar or has_dates):
            raise ImportError_(
                "The feed has neither calendar.txt nor calendar_dates.txt, so no trip has a "
                "service day; nothing was imported.",
                {"calendar.txt": ["missing"]},
            )
        services: dict[str, dict[str, Any]] = {}
        days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        if has_calendar:
            file_report, columns, rows = self.rows("calendar.txt")
            self.require("calendar.txt", columns, ("service_id", "start_date", "end_date", *days))
            for line, row in rows:
                file_report.read += 1
                service_id = row["service_id"]
                if not service_id:
                    file_report.reject(line, "service_id is empty")
                    continue
                if service_id in services:
                    file_report.reject(line, "service_id appears twice")
                    continue
                try:
                    flags = [_int(row[d], 0) for d in days]
                    start, end = parse_date(row["start_date"]), parse_date(row["end_date"])
                except ValueError as exc:
                    file_report.reject(line, f"bad value: {exc}")
                    continue
                if any(f not in (0, 1) for f in flags):
                    file_report.reject(line, "weekday columns must be 0 or 1")
                    continue
                mask = sum(1 << i for i, f in enumerate(flags) if f)
                services[service_id] = {"weekdays": mask, "start_date": start, "end_date": end}
                file_report.imported += 1
        else:
            self.found.warnings.append(
                "calendar.txt is missing; service days come from calendar_dates.txt alone."
            )
        exceptions: dict[tuple[str, int], int] = {}
        if has_dates:
            file_report, columns, rows = self.rows("calendar_dates.txt")
            self.require("calendar_dates.txt", columns, ("service_id", "date", "exception_type"))
            for line, row in rows:
                file_report.read += 1
                service_id = row["service_id"]
                try:
                    date = parse_date(row["date"])
                    kind = _int(row["exception_type"])
                except ValueError as exc:
                    file_report.reject(line, f"bad value: {exc}")
                    continue
                if not service_id or kind not in (1, 2):
                    file_report.reject(line, "service_id empty or exception_type not 1 or 2")
                    continue
                if (service_id, date) in exceptions:
                    file_report.reject(line, "service_id and date appear twice")
                    continue
                exceptions[(service_id, date)] = kind
                services.setdefault(
                    service_id, {"weekdays": 0, "start_date": None, "end_date": None}
                )
                file_report.imported += 1
        batch = []
        for number, (service_id, values) in enumerate(services.items(), start=1):
            self.service_ids[service_id] = number
            batch.append({"id": number, "service_id": service_id, **values})
        self.insert(t.services, batch)
        dates_batch = [
            {"service": self.service_ids[s], "date": d, "exception_type": k}
            for (s, d), k in exceptions.items()
        ]
        self.insert(t.service_dates, dates_batch)
        dates = [v["start_date"] for v in services.values() if v["start_date"]]
        dates += [d for (_, d), k in exceptions.items() if k == 1]
        ends = [v["end_date"] for v in services.values() if v["end_date"]]
        ends += [d for (_, d), k in exceptions.items() if k == 1]
        self.found.start_date = min(dates) if dates else None
        self.found.end_date = max(ends) if ends else None

    def trips(self) -> None:
        file_report, columns, rows = self.rows("trips.txt")
        self.require("trips.txt", columns, ("route_id", "service_id", "trip_id"))
        batch: list[dict[str, Any]] = []
        for line, row in rows:
            file_report.read += 1
            trip_id = row["trip_id"]
            if not trip_id:
                file_report.reject(line, "trip_id is empty")
                continue
            if trip_id in self.trip_ids:
                file_report.reject(line, "trip_id appears twice", trip_id)
                continue
            route = self.route_ids.get(row["route_id"])
            if route is None:
                file_report.reject(line, "route_id is not in routes.txt", row["route_id"])
                continue
            service = self.service_ids.get(row["service_id"])
            if service is None:
                file_report.reject(
                    line,
                    "service_id is not in calendar.txt or calendar_dates.txt",
                    row["service_id"],
                )
                continue
            try:
                direction = _int(row.get("direction_id", ""))
            except ValueError:
                direction = None
            number = len(self.trip_ids) + 1
            self.trip_ids[trip_id] = number
            batch.append(
                {
                    "id": number,
                    "trip_id": trip_id,
                    "route": route,
                    "service": service,
                    "headsign": row.get("trip_headsign", "")[:500],
                    "direction_id": direction,
                }
            )
            file_report.imported += 1
            if len(batch) >= CHUNK:
                self.insert(t.trips, batch)
        self.insert(t.trips, batch)

    def stop_times(self) -> None:
        file_report, columns, rows = self.rows("stop_times.txt")
        self.require("stop_times.txt", columns, ("trip_id", "stop_id", "stop_sequence"))
        if "arrival_time" not in columns and "departure_time" not in columns:
            self.require("stop_times.txt", columns, ("arrival_time", "departure_time"))
        batch: list[dict[str, Any]] = []
        trip_ids, stop_ids = self.trip_ids, self.stop_ids
        # stop_sequence values of the trip being read: files are nearly always grouped by trip,
        # so this stays small; a trip met again later (an ungrouped file) has its earlier
        # sequence numbers read back from the table, once
        current_trip, current_seqs = -1, set()
        finished: set[int] = set()
        revisited: dict[int, set[int]] = {}
        for line, row in rows:
            file_report.read += 1
            trip = trip_ids.get(row["trip_id"])
            if trip is None:
                file_report.reject(line, "trip_id is not an imported trip", row["trip_id"])
                continue
            stop = stop_ids.get(row["stop_id"])
            if stop is None:
                self.partial[trip] += 1
                file_report.reject(line, "stop_id is not an imported stop", row["stop_id"])
                continue
            try:
                seq = _int(row["stop_sequence"])
                arrival = parse_time(row.get("arrival_time", ""))
                departure = parse_time(row.get("departure_time", ""))
                pickup = _int(row.get("pickup_type", ""), 0)
                drop_off = _int(row.get("drop_off_type", ""), 0)
            except ValueError as exc:
                self.partial[trip] += 1
                file_report.reject(line, f"bad value: {exc}")
                continue
            if seq is None or seq < 0:
                self.partial[trip] += 1
                file_report.reject(line, "stop_sequence is empty or negative")
                continue
            if arrival is None:
                arrival = departure
            elif departure is None:
                departure = arrival
            if arrival is not None and departure is not None and departure < arrival:
                self.partial[trip] += 1
                file_report.reject(line, "departure_time is before arrival_time")
                continue
            if trip != current_trip:
                finished.add(current_trip)
                if trip in finished and trip not in revisited:
                    self.insert(t.stop_times, batch)
                    query = select(t.stop_times.c.seq).where(t.stop_times.c.trip == trip)
                    revisited[trip] = set(self.session.scalars(query))
                current_trip = trip
                current_seqs = revisited.get(trip, set())
            if seq in current_seqs:
                self.partial[trip] += 1
                file_report.reject(line, "stop_sequence appears twice in the trip", str(seq))
                continue
            current_seqs.add(seq)
            batch.append(
                {
                    "trip": trip,
                    "seq": seq,
                    "stop": stop,
                    "arrival": arrival,
                    "departure": departure,
                    "pickup_type": pickup if pickup in (0, 1, 2, 3) else 0,
                    "drop_off_type": drop_off if drop_off in (0, 1, 2, 3) else 0,
                }
            )
            file_report.imported += 1
            if len(batch) >= CHUNK:
                self.insert(t.stop_times, batch)
        self.insert(t.stop_times, batch)
        if any("ends in the middle of a record" in r for r in file_report.reasons):
            # the trip read last lost its remaining stops with the cut: never ride half a trip
            self.cut_trip = current_trip
        self._check_trips(file_report)

    def _check_trips(self, file_report: FileReport) -> None:
        """Drop trips that cannot be ridden: fewer than two stops, or untimed at either end."""
        s = self.session
        st = t.stop_times
        first_last = select(
            st.c.trip,
            func.count(),
            func.min(st.c.seq),
            func.max(st.c.seq),
        ).group_by(st.c.trip)
        counts = {int(r[0]): (int(r[1]), int(r[2]), int(r[3])) for r in s.execute(first_last)}
        too_short = {trip for trip, (n, _, _) in counts.items() if n < 2}
        untimed_rows = select(st.c.trip, st.c.seq).where(st.c.arrival.is_(None))
        untimed = set()
        for trip, seq in s.execute(untimed_rows):
            info = counts.get(int(trip))
            if info is not None and int(seq) in (info[1], info[2]):
                untimed.add(int(trip))
        trips_report = self.found.files["trips.txt"]
        bad = too_short | untimed
        names = {number: trip_id for trip_id, number in self.trip_ids.items()}
        without = set(self.trip_ids.values()) - set(counts)
        cut = {self.cut_trip} - too_short - untimed - without if self.cut_trip in counts else set()
        bad |= cut
        for reason, group in (
            ("its stop times are cut off at the end of stop_times.txt", cut),
            ("fewer than two stop times", too_short),
            ("first or last stop has no time", untimed),
            ("no stop times", without),
        ):
            for trip in sorted(group):
                trips_report.reasons[f"trip dropped: {reason}"] += 1
                if len(trips_report.examples) < EXAMPLES:
                    trips_report.examples.append(f"trip {names[trip]!r} dropped: {reason}")
        bad |= without
        if bad:
            ids = sorted(bad)
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                removed = s.execute(delete(st).where(st.c.trip.in_(part))).rowcount
                file_report.imported -= int(removed or 0)
                s.execute(delete(t.trips).where(t.trips.c.id.in_(part)))
            trips_report.imported -= len(bad)
        kept_partial = [trip for trip in self.partial if trip not in bad]
        self.found.partial_trips = len(kept_partial)
        for trip in kept_partial[:EXAMPLES]:
            n = counts[trip][0]
            self.found.partial_examples.append(
                f"trip {names[trip]!r}: {n} of {n + self.partial[trip]} stop times kept"
            )
        first = select(func.min(func.coalesce(st.c.departure, st.c.arrival))).where(
            st.c.trip == t.trips.c.id
        )
        last = select(func.max(func.coalesce(st.c.arrival, st.c.departure))).where(
            st.c.trip == t.trips.c.id
        )
        s.execute(
            update(t.trips).values(
                first_departure=first.scalar_subquery(), last_arrival=last.scalar_subquery()
            )
        )

    def frequencies(self) -> None:
        if not self.feed.has("frequencies.txt"):
            return
        file_report, columns, rows = self.rows("frequencies.txt")
        self.require(
            "frequencies.txt", columns, ("trip_id", "start_time", "end_time", "headway_secs")
        )
        batch: list[dict[str, Any]] = []
        seen: set[tuple[int, int]] = set()
        for line, row in rows:
            file_report.read += 1
            trip = self.trip_ids.get(row["trip_id"])
            if trip is None:
                file_report.reject(line, "trip_id is not an imported trip")
                continue
            try:
                start, end = parse_time(row["start_time"]), parse_time(row["end_time"])
                headway = _int(row["headway_secs"])
                exact = _int(row.get("exact_times", ""), 0)
            except ValueError as exc:
                file_report.reject(line, f"bad value: {exc}")
                continue
            if start is None or end is None or headway is None or headway <= 0 or end <= start:
                file_report.reject(line, "needs start < end and a positive headway")
                continue
            if (trip, start) in seen:
                file_report.reject(line, "trip_id and start_time appear twice")
                continue
            seen.add((trip, start))
            batch.append(
                {
                    "trip": trip,
                    "start_time": start,
                    "end_time": end,
                    "headway_secs": headway,
                    "exact_times": 1 if exact == 1 else 0,
                }
            )
            file_report.imported += 1
        self.insert(t.frequencies, batch)

    def transfers(self) -> None:
        if not self.feed.has("transfers.txt"):
            return
        file_report, columns, rows = self.rows("transfers.txt")
        self.require("transfers.txt", columns, ("from_stop_id", "to_stop_id"))
        batch: list[dict[str, Any]] = []
        seen: set[tuple[int, int]] = set()
        for line, row in rows:
            file_report.read += 1
            a, b = self.stop_ids.get(row["from_stop_id"]), self.stop_ids.get(row["to_stop_id"])
            if a is None or b is None:
                file_report.reject(line, "from_stop_id or to_stop_id is not an imported stop")
                continue
            try:
                kind = _int(row.get("transfer_type", ""), 0) or 0
                minimum = _int(row.get("min_transfer_time", ""))
            except ValueError as exc:
                file_report.reject(line, f"bad value: {exc}")
                continue
            if kind not in (0, 1, 2, 3):
                # types 4 and 5 (in-seat transfers) concern trips, not walks between stops
                file_report.skipped += 1
                continue
            if (a, b) in seen:
                file_report.reject(line, "from_stop_id and to_stop_id appear twice")
                continue
            seen.add((a, b))
            batch.append(
                {"from_stop": a, "to_stop": b, "transfer_type": kind, "min_transfer_time": minimum}
            )
            file_report.imported += 1
        self.insert(t.transfers, batch)


def _guarded(
    file_report: FileReport, rows: Iterator[tuple[int, dict[str, str]]]
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows; a record cut off at the end of the file is counted as left out."""
    try:
        yield from rows
    except TruncatedRecord as exc:
        file_report.read += 1
        reason = "the file ends in the middle of a record (it looks cut off)"
        file_report.reasons[reason] += 1
        file_report.examples.insert(0, f"line {exc.line}: {exc}")
        del file_report.examples[EXAMPLES:]


def _check_text(name: str, head: bytes) -> None:
    """Refuse text that is not UTF-8/Latin-1 CSV (UTF-16, a spreadsheet, HTML) by name."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        head and head.count(b"\x00") > len(head) // 4
    ):
        raise ImportError_(
            f"{name} is UTF-16 text, not UTF-8 as GTFS requires; nothing was imported. Save it "
            "as 'CSV UTF-8' (e.g. LibreOffice: character set Unicode (UTF-8)) and zip the "
            "feed again.",
            {name: ["UTF-16, not UTF-8"]},
        )
    looks = _looks_like(head)
    if looks:
        raise ImportError_(
            f"{name} looks like {looks}, not a CSV table as GTFS requires; nothing was "
            "imported. Export the table as CSV (UTF-8, commas) and zip the feed again.",
            {name: [f"looks like {looks}"]},
        )


def _looks_like(head: bytes) -> str:
    """What a file is, from its first bytes, when it is clearly not CSV text ('' otherwise)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if head.startswith(b"PK\x03\x04"):
        return "a zip file (an Excel workbook or another zip)"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel (.xls) workbook"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if text.startswith((b"<!doctype html", b"<html")):
        return "an HTML page (a download that returned a web page)"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "an XML document (NeTEx or another XML format)"
    if text.startswith((b"{", b"[")):
        return "a JSON document"
    return ""


def identify(path: str | Path) -> str:
    """Why a file is not a GTFS zip, with the fix ('' when it is a zip)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        return f"{path.name} cannot be read: {exc.strerror or exc}."
    if head.startswith(b"PK"):
        return ""
    looks = _looks_like(head)
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace").lower()
    if not looks and any(c in first for c in ("stop_id", "trip_id", "route_id", "service_id")):
        looks = "a single GTFS table (CSV), not the feed"
        return (
            f"{path.name} looks like {looks}: a GTFS feed is a zip holding stops.txt, "
            "routes.txt, trips.txt, stop_times.txt and a calendar; zip the files together "
            "and import the zip."
        )
    return (
        f"{path.name} is not a zip file{f' (it looks like {looks})' if looks else ''}; a GTFS "
        "feed is a zip of CSV tables (stops.txt, routes.txt, trips.txt, stop_times.txt, "
        "calendar.txt). Import the feed's zip as published."
    )


def _not_a_feed(path: Path, feed: GtfsZip, missing: list[str]) -> str:
    """Why a zip is not a (complete) GTFS feed, with the fix."""
    names = [n.lower() for n in feed.all_names()]
    inner = [n for n in names if n.endswith(".zip")]
    base = (
        f"{path.name} is not a complete GTFS feed: {', '.join(missing)} missing; nothing was "
        "imported."
    )
    if inner:
        return f"{base} It holds another zip ({inner[0]}): unpack it and import that zip instead."
    if "[content_types].xml" in names:
        return f"{base} It looks like an Office document (Excel workbook), not a GTFS feed."
    if any(n.endswith(".shp") for n in names):
        return f"{base} It looks like a shapefile, not a GTFS feed."
    if any(n.endswith(".xml") for n in names):
        return f"{base} It looks like XML data (NeTEx or similar), not a GTFS feed."
    shown = ", ".join(sorted(names)[:8]) or "nothing"
    return f"{base} It holds: {shown}."


def clear_feed(session: Session) -> None:
    """Delete the imported feed (every ``transit_*`` row)."""
    for table in reversed(t.metadata.sorted_tables):
        session.execute(delete(table))


def import_feed(
    session: Session,
    path: str | Path,
    *,
    region: Region | None = None,
    skip_invalid: bool = False,
    allow_outside_region: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Replace the imported feed by the GTFS zip at ``path``; the caller commits.

    ``progress`` is called with the number of (uncompressed) bytes read since its last call;
    ``feed_size(path)`` gives the total. Raises ``ImportError_`` (the caller's rollback leaves
    everything as it was) when a required file or column is missing, a required table ends up
    empty, or (unless ``skip_invalid``) any row would be left out; ``OutsideRegionError``
    when ``region`` is given and the stops lie mostly outside it (unless
    ``allow_outside_region``).
    """
    import time

    started = time.perf_counter()
    path = Path(path)
    found = _Feed()
    problem = identify(path)
    if problem:
        raise ImportError_(problem, {"file": [problem]})
    try:
        feed = GtfsZip(path)
    except ValueError as exc:
        raise ImportError_(str(exc), {"file": [str(exc)]}) from None
    with feed:
        missing = [name for name in REQUIRED if not feed.has(name)]
        if missing:
            raise ImportError_(
                _not_a_feed(path, feed, missing), {name: ["missing"] for name in missing}
            )
        ignored = sorted(n for n in feed.members if n not in USED)
        clear_feed(session)
        importer = _Importer(session, feed, found, progress)
        importer.agencies()
        importer.stops()
        if region is not None:
            check = check_in_region(
                region,
                importer.stop_lat,
                importer.stop_lon,
                what="stops",
                name=f"{path.name} (stops.txt)",
                allow_outside=allow_outside_region,
            )
            found.warnings.extend(check.warnings)
        importer.routes()
        importer.calendar()
        importer.trips()
        importer.stop_times()
        importer.frequencies()
        importer.transfers()
        for name in ("frequencies.txt", "transfers.txt"):
            if not feed.has(name):
                found.warnings.append(f"{name} is not in the feed (optional).")
        _refuse_incomplete(path, found, skip_invalid)
    report = _report(found, path, ignored, skip_invalid)
    report.written = True
    report.seconds = time.perf_counter() - started
    session.execute(
        insert(t.feeds).values(
            file_name=path.name[:500],
            sha256=_sha256(path),
            imported_at=dt.datetime.now(dt.UTC),
            start_date=found.start_date,
            end_date=found.end_date,
            agencies=found.agencies,
            report=report.as_dict(),
        )
    )
    # company columns (nearest stop, departures) come from these tables: rebuild every index
    reindex_all(session)
    return report


def _refuse_incomplete(path: Path, found: _Feed, skip_invalid: bool) -> None:
    """``ImportError_`` for a required table left empty, or (unless ``skip_invalid``) for
    any row or trip that would be left out."""
    for name, what in zip(REQUIRED, _WHAT, strict=True):
        if found.count(name) == 0:
            first = f" First problems: {'; '.join(found.problems(3))}." if found.dropped else ""
            raise ImportError_(
                f"{path.name}: no usable {what} ({name}); nothing was imported.{first}",
                {name: [f"no usable {what}"] + found.files[name].examples},
            )
    if found.dropped and not skip_invalid:
        problems = found.problems()
        raise ImportError_(
            f"{path.name}: {found.dropped} rows or trips would be left out, so nothing was "
            f"imported. First problems: {'; '.join(problems[:NAMED_PROBLEMS])}. Correct "
            "the feed (or get a complete copy), or import the valid rows with "
            "--skip-invalid (the report then lists what was left out).",
            {
                name: [f"{n} x {reason}" for reason, n in r.reasons.most_common()] + r.examples
                for name, r in found.files.items()
                if r.rejected
            },
        )


def feed_size(path: str | Path) -> int:
    """Uncompressed bytes of the files ``import_feed`` reads (for a progress bar)."""
    with GtfsZip(path) as feed:
        return sum(feed.size(name) for name in USED)
