"""Does a data set lie in the configured region? The check every importer runs before writing.

A file of Kitas from another town, a timetable of another continent or companies with swapped
coordinates all parse fine and import without a word; on the map they are simply missing (or
sit in the sea). ``check_in_region`` compares the coordinates of the records with the region's
area (its bounds) and

- refuses the data (``OutsideRegionError``) when most located records, more than
  ``MAX_OUTSIDE_SHARE`` of them, lie further than ``TOLERANCE_KM`` from the area: the message
  names the median distance, the farthest one and the ``--allow-outside-region`` flag;
- warns about a minority of outlying records, naming the first ones and their distance.

Why these numbers: the tolerance of 25 km keeps what a region legitimately holds just across
its border (a training centre in the next city, a Kita on the way to work, the next stop of a
regional line), while a file of another region is hundreds of kilometres away (Flensburg is
about 355 km from Emscher-Lippe's border). A strict majority decides, because one or two bad
coordinates in a good file are a data error to report, not a reason to refuse the whole file.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from attrs import evolve, frozen

from core.errors import OutsideRegionError
from core.region import Region
from core.search.geo import haversine_m

__all__ = [
    "ALLOW_FLAG",
    "MAX_OUTSIDE_SHARE",
    "TOLERANCE_KM",
    "RegionCheck",
    "check_in_region",
    "distance_from_region_km",
]

#: How far (km) beyond the region's bounds a record still counts as in the region.
TOLERANCE_KM = 25.0
#: Data is refused when more than this share of its located records lies outside.
MAX_OUTSIDE_SHARE = 0.5
#: The command-line flag (and admin form option) that accepts data outside the region.
ALLOW_FLAG = "--allow-outside-region"
#: How many outlying records a warning names.
NAMED_OUTLIERS = 5


@frozen
class RegionCheck:
    """What ``check_in_region`` found; ``warnings`` are sentences for the import report."""

    region: str
    what: str
    #: Records with usable coordinates (the others are not judged here).
    located: int
    #: Located records further than ``tolerance_km`` from the region's area.
    outside: int
    #: Median and largest distance (km) of the located records from the region's area.
    median_km: float
    farthest_km: float
    #: The first outlying records: (label, distance in km), farthest first.
    outliers: tuple[tuple[str, float], ...]
    tolerance_km: float
    #: True when most records lie outside but the caller allowed it.
    allowed_outside: bool = False

    @property
    def mostly_outside(self) -> bool:
        return self.located > 0 and self.outside / self.located > MAX_OUTSIDE_SHARE

    @property
    def warnings(self) -> tuple[str, ...]:
        if not self.outside:
            return ()
        if self.allowed_outside:
            return (
                f"{self.outside} of {self.located} {self.what} lie outside {self.region} "
                f"(median distance {_km(self.median_km)} from its area); imported because data "
                f"outside the region was allowed ({ALLOW_FLAG}).",
            )
        named = ", ".join(f"{label} ({_km(km)})" for label, km in self.outliers)
        more = self.outside - len(self.outliers)
        return (
            f"{self.outside} of {self.located} {self.what} lie more than "
            f"{_km(self.tolerance_km)} outside {self.region}: {named}"
            + (f" and {more} more" if more > 0 else "")
            + "; check their coordinates.",
        )


def _km(value: float) -> str:
    return f"{value:,.0f} km" if value >= 10 else f"{value:.1f} km"


def distance_from_region_km(region: Region, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Kilometres from each point to the region's bounds (0 inside them).

    The nearest border point is taken as the point clamped into the bounds: exact for the
    neighbourhood that matters, within 0.5 % for points on the other side of the earth.
    """
    b = region.bounds
    near_lat = np.clip(lat, b.south, b.north)
    near_lon = np.clip(lon, b.west, b.east)
    return np.asarray(haversine_m(lat, lon, near_lat, near_lon)) / 1000.0


def check_in_region(
    region: Region,
    lat: Iterable[float | None],
    lon: Iterable[float | None],
    *,
    what: str = "records",
    name: str = "",
    labels: Sequence[str] | None = None,
    allow_outside: bool = False,
    tolerance_km: float = TOLERANCE_KM,
) -> RegionCheck:
    """Compare the records' coordinates with ``region``; refuse data lying mostly outside.

    ``lat``/``lon`` hold one coordinate pair per record (``None`` or NaN where a record has
    none: it is not judged); ``labels`` name the records in warnings (``line 4``, ``stop
    S12``), ``what`` names them in plural (``Kitas``), ``name`` is the file's name. Raises
    ``OutsideRegionError`` when more than half of the located records lie further than
    ``tolerance_km`` from the region's area, unless ``allow_outside``; else returns the
    check, whose ``warnings`` name a minority of outliers (or the allowed outside data).
    """
    lats = np.asarray([math.nan if v is None else float(v) for v in lat], dtype=np.float64)
    lons = np.asarray([math.nan if v is None else float(v) for v in lon], dtype=np.float64)
    if lats.shape != lons.shape:
        raise ValueError(f"{lats.size} latitudes but {lons.size} longitudes")
    usable = (
        np.isfinite(lats) & np.isfinite(lons) & (np.abs(lats) <= 90.0) & (np.abs(lons) <= 180.0)
    )
    index = np.flatnonzero(usable)
    if index.size == 0:
        return RegionCheck(region.name, what, 0, 0, 0.0, 0.0, (), tolerance_km)
    km = distance_from_region_km(region, lats[index], lons[index])
    far = km > tolerance_km
    order = index[far][np.argsort(-km[far], kind="stable")][:NAMED_OUTLIERS]
    by_index = dict(zip(index.tolist(), km.tolist(), strict=True))
    outliers = tuple(
        (labels[i] if labels is not None else f"record {i + 1}", round(by_index[i], 1))
        for i in order.tolist()
    )
    check = RegionCheck(
        region=region.name,
        what=what,
        located=int(index.size),
        outside=int(far.sum()),
        median_km=float(np.median(km)),
        farthest_km=float(km.max()),
        outliers=outliers,
        tolerance_km=tolerance_km,
    )
    if not check.mostly_outside:
        return check
    if allow_outside:
        return evolve(check, allowed_outside=True)
    prefix = f"{name}: " if name else ""
    raise OutsideRegionError(
        f"{prefix}{check.outside} of {check.located} {what} lie outside {region.name}: the "
        f"median distance from the region is {_km(check.median_km)} (the farthest "
        f"{_km(check.farthest_km)}); this looks like data of another region, and nothing was "
        f"imported. Check the file and the configured region (setting region.file), or import "
        f"it anyway with {ALLOW_FLAG}.",
        median_km=check.median_km,
        check=check,
    )
