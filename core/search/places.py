"""Finding a place as people write it: a town, a district, a village or a postcode.

The gazetteer joins what open data knows offline: the region's towns and the districts an
operator lists in the region file, the GeoNames places shipped in ``core/data`` (every German
place with 15,000 inhabitants, and down to 500 around the region, districts such as Buer
included) and every German postcode with its place names. Names are compared folded (case,
umlauts and accents, hyphens and brackets do not matter), so "Gelsenkirchen-Buer",
"gelsenkirchen buer", "Buer (Gelsenkirchen)" and "Buer" meet. A misspelt name gets the closest
names as suggestions. Where a name exists twice, the place nearest to the region wins.
"""

from __future__ import annotations

import bisect
import csv
import difflib
import functools
import io
import math
import re
from collections.abc import Iterable
from importlib import resources

import numpy as np
from attrs import frozen

from core.errors import NotFound, Sentence
from core.model import Location
from core.region import Region
from core.search.geo import EARTH_RADIUS_M
from core.search.geocoding import postcode_centroids, postcode_places
from core.search.textindex import fold
from core.texts import DOMAIN

__all__ = ["Gazetteer", "Place", "PlaceNotFound", "place_key"]

#: how a place's kind ranks when a name fits several places (smaller first)
#: a GeoNames place this close to a postcode of another place belongs to that place
DISTRICT_REACH_M = 4000.0
#: places farther from the region's centre are no useful search centre for its portal
REACH_KM = 150.0
_POSTCODE = re.compile(r"\s*(\d{5})(?:\s+(.*))?\s*")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def place_key(text: str) -> str:
    """The folded form names are compared in: lower-case ASCII words split by one space."""
    return _NOT_WORD.sub(" ", fold(text)).strip()


class PlaceNotFound(NotFound):
    """No place has this name; ``suggestions`` holds the closest names."""

    def __init__(self, message: str, suggestions: tuple[Place, ...] = ()) -> None:
        super().__init__(message)
        self.suggestions = suggestions


@frozen
class Place:
    """A place a search can be centred on."""

    name: str
    #: "town" (of the region), "district", "place", "postcode" or "address" (web geocoder)
    kind: str
    lat: float
    lon: float
    #: the town or city the place belongs to ("" when it is one itself)
    municipality: str = ""
    postcode: str = ""

    @property
    def location(self) -> Location:
        return Location(self.lat, self.lon)

    @property
    def label(self) -> str:
        """How a list of suggestions shows it: "Buer (Gelsenkirchen)", "45894 Gelsenkirchen"."""
        if self.kind == "postcode":
            return f"{self.postcode} {self.municipality}".strip()
        if self.municipality and place_key(self.municipality) not in place_key(self.name):
            return f"{self.name} ({self.municipality})"
        return self.name


@frozen
class _Entry:
    place: Place
    rank: tuple[int, float]


@functools.cache
def _geonames() -> tuple[tuple[str, float, float, int], ...]:
    text = resources.files("core.data").joinpath("geonames_places_de.csv").read_text("utf-8")
    return tuple(
        (r["name"], float(r["lat"]), float(r["lon"]), int(r["population"]))
        for r in csv.DictReader(io.StringIO(text))
    )


class Gazetteer:
    """Every known place of the country, ranked by nearness to ``region``."""

    def __init__(self, region: Region) -> None:
        self.region = region
        self._centre = region.center
        self._keys: dict[str, list[_Entry]] = {}
        self._postcode_places = postcode_places()
        self._centroids = postcode_centroids()
        self._build()
        self._sorted = sorted(self._keys)
        by_letter: dict[str, list[str]] = {}
        for key in self._sorted:
            by_letter.setdefault(key[:1], []).append(key)
        self._by_letter = by_letter

    # --- building -------------------------------------------------------------------------

    def _distance_km(self, lat: float, lon: float) -> float:
        c = self._centre
        return _metres(c.lat, c.lon, lat, lon) / 1000.0

    def _add(self, place: Place, keys: Iterable[str], bonus: int = 0) -> None:
        distance = self._distance_km(place.lat, place.lon)
        if distance > REACH_KM and not bonus:
            return
        # the region's own towns and districts first, then the nearest place of that name
        rank = (-bonus, distance)
        entry = _Entry(place, rank)
        for key in {place_key(k) for k in keys}:
            if not key:
                continue
            entries = self._keys.setdefault(key, [])
            # one place under one key once (GeoNames and the postcode list often agree)
            if any(_same_place(e.place, place) for e in entries):
                continue
            entries.append(entry)

    def _build(self) -> None:
        for town in self.region.towns:
            place = Place(town.name, "town", town.center.lat, town.center.lon)
            self._add(place, (town.name, town.slug, town.ags), bonus=1)
            for district in town.districts:
                at = district.center
                d = Place(district.name, "district", at.lat, at.lon, town.name)
                self._add(d, _district_keys(district.name, town.name), bonus=1)
        spots = self._postcode_spots()
        self._add_geonames(spots)
        self._add_postcode_places(spots)

    def _postcode_spots(self) -> dict[str, list[Location]]:
        """Every postcode place name with the centroids of its postcodes."""
        spots: dict[str, list[Location]] = {}
        for code, names in self._postcode_places.items():
            location = self._centroids.get(code)
            if location is None:
                continue
            for name in names:
                spots.setdefault(name, []).append(location)
        return spots

    def _add_geonames(self, spots: dict[str, list[Location]]) -> None:
        from scipy.spatial import cKDTree  # imported on first use, as in core.search.geo

        own = {place_key(name): locs for name, locs in spots.items()}
        codes = sorted(self._centroids)
        coords = np.array([(self._centroids[c].lat, self._centroids[c].lon) for c in codes])
        squash = np.array([1.0, math.cos(math.radians(self._centre.lat))])
        tree = cKDTree(coords * squash)
        for name, lat, lon, _population in _geonames():
            if self._distance_km(lat, lon) > REACH_KM:
                continue
            key = place_key(name)
            _, nearest = tree.query(np.array([lat, lon]) * squash)
            owners = self._postcode_places.get(codes[int(nearest)], ())
            near = _metres(lat, lon, *map(float, coords[int(nearest)])) <= DISTRICT_REACH_M
            # a place with postcodes of its own name nearby is a town in its own right
            # (Bückeburg); one without, next to another town's postcode, is a part of that
            # town (Buer: Gelsenkirchen). "Mülheim" and "Mülheim an der Ruhr" are one place.
            has_own = any(
                _metres(lat, lon, loc.lat, loc.lon) <= 15_000.0 for loc in own.get(key, ())
            )
            same = any(place_key(o).split(" ")[0] == key.split(" ")[0] for o in owners)
            if near and owners and not has_own and not same:
                town = owners[0]
                self._add(Place(name, "district", lat, lon, town), _district_keys(name, town))
            else:
                self._add(Place(name, "place", lat, lon), (name,))

    def _add_postcode_places(self, spots: dict[str, list[Location]]) -> None:
        for name, everywhere in spots.items():
            locations = [
                loc for loc in everywhere if self._distance_km(loc.lat, loc.lon) <= REACH_KM
            ]
            # a name used far apart (Neustadt) is several places: group by 30 km
            for group in _groups(locations, 30_000.0):
                lat = sum(loc.lat for loc in group) / len(group)
                lon = sum(loc.lon for loc in group) / len(group)
                self._add(Place(name, "place", lat, lon), (name,))

    # --- answering ------------------------------------------------------------------------

    def postcode(self, code: str) -> Place:
        """The place of a five-digit postcode (its centroid)."""
        location = self._centroids.get(code)
        if location is None:
            raise PlaceNotFound(Sentence.message(DOMAIN, "place_error.postcode", postcode=code))
        names = self._postcode_places.get(code, ())
        return Place(code, "postcode", location.lat, location.lon, names[0] if names else "", code)

    def resolve(self, text: str) -> Place:
        """The place ``text`` names; PlaceNotFound (with suggestions) when none does."""
        wanted = text.strip()
        match = _POSTCODE.fullmatch(wanted)
        if match:
            return self.postcode(match.group(1))
        key = place_key(wanted)
        entries = self._keys.get(key)
        if entries:
            return min(entries, key=lambda e: e.rank).place
        suggestions = tuple(self.suggest(wanted, 5))
        # "Haltern" for "Haltern am See": a town of the region whose name starts so
        towns = [
            p for p in suggestions if p.kind == "town" and place_key(p.name).startswith(key + " ")
        ]
        if len(towns) == 1:
            return towns[0]
        if suggestions:
            names = ", ".join(f"„{s.label}“" for s in suggestions)
            said = Sentence.message(
                DOMAIN, "place_error.did_you_mean", place=wanted, suggestions=names
            )
        else:
            said = Sentence.message(DOMAIN, "place_error.unknown", place=wanted)
        raise PlaceNotFound(said, suggestions)

    def suggest(self, text: str, limit: int = 8) -> list[Place]:
        """Places whose name starts like ``text`` (closest first); for a misspelt name the
        most similar names."""
        wanted = text.strip()
        if not wanted or limit <= 0:
            return []
        digits = re.fullmatch(r"\d{1,5}", wanted)
        if digits:
            return self._postcodes_starting(wanted, limit)
        match = _POSTCODE.fullmatch(wanted)
        if match:
            return [self.postcode(match.group(1))] if match.group(1) in self._centroids else []
        key = place_key(wanted)
        if not key:
            return []
        found: list[_Entry] = []
        start = bisect.bisect_left(self._sorted, key)
        for k in self._sorted[start:]:
            if not k.startswith(key):
                break
            found.extend(self._keys[k])
        # a word of the name may start it too: "buer" finds "Gelsenkirchen-Buer"
        if len(found) < limit:
            found.extend(e for k, es in self._keys.items() if f" {key}" in f" {k}" for e in es)
        if not found:
            pool = self._by_letter.get(key[:1], [])
            for k in difflib.get_close_matches(key, pool, n=limit, cutoff=0.75):
                found.extend(self._keys[k])
        return _unique([e for e in sorted(found, key=lambda e: e.rank)], limit)

    def _postcodes_starting(self, prefix: str, limit: int) -> list[Place]:
        codes = [c for c in self._centroids if c.startswith(prefix)]
        places = [self.postcode(c) for c in codes]
        places.sort(key=lambda p: (self._distance_km(p.lat, p.lon), p.postcode))
        return places[:limit]


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle metres for one pair (``core.search.geo.haversine_m`` is for arrays)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def _district_keys(name: str, town: str) -> tuple[str, ...]:
    return (name, f"{town} {name}", f"{name} {town}")


def _same_place(a: Place, b: Place) -> bool:
    return place_key(a.name) == place_key(b.name) and _metres(a.lat, a.lon, b.lat, b.lon) < 10_000.0


def _groups(locations: list[Location], reach_m: float) -> list[list[Location]]:
    """Locations joined while each lies within ``reach_m`` of the group's first one."""
    groups: list[list[Location]] = []
    for loc in locations:
        for group in groups:
            if _metres(group[0].lat, group[0].lon, loc.lat, loc.lon) <= reach_m:
                group.append(loc)
                break
        else:
            groups.append([loc])
    return groups


def _unique(entries: list[_Entry], limit: int) -> list[Place]:
    seen: set[tuple[str, str]] = set()
    out: list[Place] = []
    for e in entries:
        ident = (e.place.label, e.place.kind)
        if ident in seen:
            continue
        seen.add(ident)
        out.append(e.place)
        if len(out) == limit:
            break
    return out
