"""Railway stations of the configured region: from a DB station list or from the GTFS feed.

Where they come from is the setting ``stations``:

* ``auto`` (default): the DB station list shipped with the plugin, filtered to the region;
  where that holds no station (a region outside Germany), the feed's rail stops;
* ``db``: the shipped DB station list (``data/db_stations_germany.ndjson.gz``: Stationsdaten:
  Deutsche Bahn AG, CC BY 4.0, see ``data/SOURCE.md``), filtered to the region;
* ``gtfs``: the stops of the imported feed served by rail routes (route_type 2 or 100-199),
  platforms folded into their parent station;
* ``none``: no stations;
* a path: a file in the DB station list format (the ``db-stations`` NDJSON, optionally
  gzipped, or a CSV with the columns ``eva_id``, ``name``, ``lat``, ``lon`` and optionally
  ``city``), filtered to the region.

"Filtered to the region" keeps the stations within the region's bounds widened by
``MARGIN_KM`` on every side (a company near the border may be closest to a station beyond
it). Nothing about any region is built in.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import math
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import numpy as np
from attrs import frozen
from core import Region

__all__ = [
    "ATTRIBUTION",
    "MARGIN_KM",
    "SOURCES",
    "Station",
    "StationSet",
    "in_region",
    "packaged_stations",
    "read_station_file",
]

ATTRIBUTION = "Stationsdaten: Deutsche Bahn AG, CC BY 4.0"
PACKAGED = "db_stations_germany.ndjson.gz"
MARGIN_KM = 10.0
SOURCES = ("auto", "db", "gtfs", "none")
#: GTFS route types of railways (basic 2, extended 100-199).
RAIL_ROUTE_TYPES = (2, *range(100, 200))


@frozen
class Station:
    eva_id: str
    name: str
    lat: float
    lon: float
    city: str = ""


@frozen
class StationSet:
    """The stations in use, where they come from and what to show as attribution."""

    stations: tuple[Station, ...]
    source: str
    attribution: str

    @property
    def lat(self) -> np.ndarray:
        return np.asarray([s.lat for s in self.stations], dtype=np.float64)

    @property
    def lon(self) -> np.ndarray:
        return np.asarray([s.lon for s in self.stations], dtype=np.float64)


def _from_ndjson(lines: Iterable[str], where: str) -> list[Station]:
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            location = item["location"]
            address = item.get("address") or {}
            out.append(
                Station(
                    str(item["id"]),
                    str(item["name"]),
                    float(location["latitude"]),
                    float(location["longitude"]),
                    str(address.get("city", "")),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(
                f"{where} line {number} is not a station of the DB station list format "
                f"(needs id, name, location.latitude/longitude): {exc}"
            ) from None
    return out


def _from_csv(text: str, where: str) -> list[Station]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"eva_id", "name", "lat", "lon"} - set(reader.fieldnames or ())
    if missing:
        raise ValueError(
            f"{where} lacks the column(s) {', '.join(sorted(missing))}; a station CSV needs "
            "eva_id, name, lat, lon (and may have city)."
        )
    out = []
    for row in reader:
        try:
            out.append(
                Station(
                    row["eva_id"],
                    row["name"],
                    float(row["lat"]),
                    float(row["lon"]),
                    row.get("city") or "",
                )
            )
        except ValueError:
            raise ValueError(
                f"{where} line {reader.line_num}: lat/lon are not numbers ({row['lat']!r}, "
                f"{row['lon']!r})."
            ) from None
    return out


def _parse(data: bytes, name: str) -> list[Station]:
    if name.endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    text = data.decode("utf-8-sig")
    if text.lstrip().startswith("{"):
        return _from_ndjson(text.splitlines(), name)
    return _from_csv(text, name)


@functools.cache
def packaged_stations() -> tuple[Station, ...]:
    """Every station of the shipped DB station list (all of Germany)."""
    data = resources.files("plugins.transit.data").joinpath(PACKAGED).read_bytes()
    return tuple(_parse(data, PACKAGED))


def read_station_file(path: str | Path) -> tuple[Station, ...]:
    """Stations from a file in the DB station list format (NDJSON, .gz, or CSV)."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise ValueError(
            f"The station file {str(file)!r} cannot be read: {exc.strerror}."
        ) from None
    return tuple(_parse(data, file.name))


def in_region(stations: Iterable[Station], region: Region) -> tuple[Station, ...]:
    """The stations within the region's bounds widened by ``MARGIN_KM``."""
    b = region.bounds
    dlat = MARGIN_KM / 111.2
    dlon = MARGIN_KM / (111.2 * max(0.1, math.cos(math.radians((b.south + b.north) / 2))))
    return tuple(
        s
        for s in stations
        if b.south - dlat <= s.lat <= b.north + dlat and b.west - dlon <= s.lon <= b.east + dlon
    )
