"""Railway stations of the region (DB station data, shipped with the plugin).

``data/emscher_lippe_stations.csv``: Stationsdaten: Deutsche Bahn AG, CC BY 4.0 (see
``data/SOURCE.md``).
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources

import numpy as np
from attrs import frozen

__all__ = ["ATTRIBUTION", "Station", "stations"]

ATTRIBUTION = "Stationsdaten: Deutsche Bahn AG, CC BY 4.0"


@frozen
class Station:
    eva_id: str
    name: str
    lat: float
    lon: float
    city: str


@functools.cache
def stations() -> tuple[Station, ...]:
    """The shipped stations, in file order."""
    text = resources.files("plugins.transit.data").joinpath("emscher_lippe_stations.csv")
    rows = csv.DictReader(io.StringIO(text.read_text(encoding="utf-8")))
    return tuple(
        Station(r["eva_id"], r["name"], float(r["lat"]), float(r["lon"]), r["city"]) for r in rows
    )


def station_arrays() -> tuple[np.ndarray, np.ndarray]:
    items = stations()
    return (
        np.asarray([s.lat for s in items], dtype=np.float64),
        np.asarray([s.lon for s in items], dtype=np.float64),
    )
