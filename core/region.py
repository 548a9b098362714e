"""A region: its towns with official keys, centroids and postcodes, its map centre and bounds.

Everything region-specific is data; Emscher-Lippe ships as the default region file.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from attrs import frozen

from core.errors import ConfigError, NotFound
from core.model import Location, slugify
from core.settings import structure_settings

__all__ = ["District", "Region", "Town", "default_region", "load_region"]


@frozen
class District:
    """A part of a town people search by (Stadtteil, Ortsteil), listed in the region file."""

    name: str
    center: Location


@frozen
class Town:
    """A municipality of the region."""

    name: str
    ags: str
    center: Location
    postcodes: tuple[str, ...] = ()
    district: str = ""
    #: the town's parts an operator lists (``[[towns.districts]]``) for the place search
    districts: tuple[District, ...] = ()

    @property
    def slug(self) -> str:
        return slugify(self.name)


@frozen
class Bounds:
    south: float
    west: float
    north: float
    east: float


@frozen
class Region:
    """The area a portal covers."""

    name: str
    slug: str
    center: Location
    zoom: int
    bounds: Bounds
    towns: tuple[Town, ...]

    @functools.cached_property
    def _by_postcode(self) -> dict[str, Town]:
        return {p: t for t in self.towns for p in t.postcodes}

    def town_by_ags(self, ags: str) -> Town:
        for town in self.towns:
            if town.ags == ags:
                return town
        raise NotFound(f"No town of {self.name} has the municipality key {ags!r}.")

    def town_for_postcode(self, postcode: str) -> Town | None:
        """The town a postcode belongs to, or None when it lies outside the region."""
        return self._by_postcode.get(postcode)

    def find_town(self, text: str) -> Town:
        """A town by name, slug or AGS, ignoring case; the error lists the region's towns."""
        wanted = text.strip().casefold()
        for town in self.towns:
            if wanted in (town.name.casefold(), town.slug, town.ags):
                return town
        raise NotFound(
            f"{text!r} is not a town of {self.name}; choose one of: "
            f"{', '.join(t.name for t in self.towns)}."
        )


@frozen
class _DistrictFile:
    name: str
    center: list[float]


@frozen
class _TownFile:
    name: str
    ags: str
    center: list[float]
    postcodes: list[str] = []  # noqa: RUF012 - attrs copies defaults
    district: str = ""
    districts: list[_DistrictFile] = []  # noqa: RUF012 - attrs copies defaults


@frozen
class _RegionFile:
    name: str
    slug: str
    center: list[float]
    zoom: int
    bounds: list[float]
    towns: list[_TownFile]


def _parse(data: dict[str, Any], where: str) -> Region:
    raw: _RegionFile = structure_settings(data, _RegionFile, where)
    if len(raw.bounds) != 4:
        raise ConfigError(f"{where}.bounds must be [south, west, north, east], not {raw.bounds}.")
    if not raw.towns:
        raise ConfigError(f"{where} defines no towns; add at least one [[towns]] table.")
    agss = [t.ags for t in raw.towns]
    if len(set(agss)) != len(agss):
        raise ConfigError(f"{where} lists a municipality key twice: {sorted(agss)}.")
    for t in raw.towns:
        for d in t.districts:
            if len(d.center) != 2 or not (-90 <= d.center[0] <= 90 and -180 <= d.center[1] <= 180):
                raise ConfigError(
                    f"{where}: district {d.name!r} of {t.name} needs center = [lat, lon] in "
                    f"degrees, not {d.center}."
                )
    return Region(
        name=raw.name,
        slug=raw.slug,
        center=Location(*raw.center),
        zoom=raw.zoom,
        bounds=Bounds(*raw.bounds),
        towns=tuple(
            Town(
                t.name,
                t.ags,
                Location(*t.center),
                tuple(t.postcodes),
                t.district,
                tuple(District(d.name, Location(*d.center)) for d in t.districts),
            )
            for t in raw.towns
        ),
    )


def load_region(path: str | Path) -> Region:
    """Read a region definition from a TOML file."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"The region file {str(file)!r} does not exist; check region.file."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The region file {str(file)!r} is not valid TOML: {exc}.") from None
    return _parse(data, f"region file {file.name}")


@functools.cache
def default_region() -> Region:
    """Emscher-Lippe: Kreis Recklinghausen's ten towns, Gelsenkirchen and Bottrop."""
    text = resources.files("core.regions").joinpath("emscher_lippe.toml").read_text("utf-8")
    return _parse(tomllib.loads(text), "region emscher_lippe")
