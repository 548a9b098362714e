"""Search requests and answers as immutable values.

``SearchQuery`` is what the engine answers; ``parse_search_params`` builds one from URL-style
parameters (a mapping of name -> list of strings), so every client speaks one syntax:

    bbox=west,south,east,north    near=lat,lon | near_postcode=45657 | near_town=Marl
    radius_km=5   q=bäckerei   zoom=11   sort=name|distance|<dynamic filter key>
    page=1   per_page=20
    <filter key>=<value> (repeatable for multi-choice, ranges as 10..49)
    <dynamic filter argument>=<text> (e.g. transit_from=Marl with transit_time=..30)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from attrs import field, frozen

from core.errors import GeocodingError, InvalidQuery, NotFound
from core.model import Location
from core.search.badges import HitBadge
from core.search.filters import DynamicValue, FilterRegistry

__all__ = [
    "BBox",
    "Cluster",
    "FacetValue",
    "PlaceResolver",
    "RESERVED_PARAMS",
    "SearchHit",
    "SearchQuery",
    "SearchResult",
    "parse_bbox",
    "parse_point",
    "parse_search_params",
]

RESERVED_PARAMS = (
    "bbox",
    "view",
    "near",
    "near_postcode",
    "near_town",
    "radius_km",
    "q",
    "zoom",
    "sort",
    "page",
    "per_page",
    "lang",
)
SORTS = ("name", "distance")
MAX_RADIUS_KM = 200.0


@frozen
class BBox:
    """A WGS84 box; west > east is not supported (the antimeridian is far from any region)."""

    west: float
    south: float
    east: float
    north: float

    def __attrs_post_init__(self) -> None:
        if not (
            -180 <= self.west <= 180
            and -180 <= self.east <= 180
            and -90 <= self.south <= 90
            and -90 <= self.north <= 90
        ):
            raise InvalidQuery(
                f"bbox {self.as_text()} lies outside the world; give "
                "west,south,east,north in degrees.",
                {"bbox": ["out of range"]},
            )
        if self.west > self.east or self.south > self.north:
            raise InvalidQuery(
                f"bbox {self.as_text()} is inverted; give west,south,east,north "
                "with west <= east and south <= north.",
                {"bbox": ["inverted"]},
            )

    def as_text(self) -> str:
        return f"{self.west:g},{self.south:g},{self.east:g},{self.north:g}"


def _filters(
    value: Mapping[str, Any] | Iterable[tuple[str, Any]] | None,
) -> tuple[tuple[str, Any], ...]:
    # pairs are accepted too: attrs.evolve() hands the converted value back in
    return tuple(sorted(dict(value or {}).items()))


@frozen
class SearchQuery:
    """One search: filters, area, text, order and page."""

    filters: tuple[tuple[str, Any], ...] = field(default=(), converter=_filters)
    text: str = ""
    bbox: BBox | None = None
    near: Location | None = None
    radius_km: float | None = None
    sort: str = "name"
    page: int = 1
    per_page: int = 20
    zoom: int | None = None
    lang: str = "de"
    clusters: bool = True
    #: the map's visible area when it is no filter (bbox off): map symbols are made for the
    #: hits in it only, total, list and facets still count every hit
    view: BBox | None = None

    def __attrs_post_init__(self) -> None:
        if self.sort not in SORTS and not self.sorts_by_dynamic:
            raise InvalidQuery(
                f"sort={self.sort!r} is not supported; use one of {', '.join(SORTS)} or the key "
                "of an active dynamic filter (such as a travel time).",
                {"sort": ["unknown sort order"]},
            )
        if self.sort == "distance" and self.near is None:
            raise InvalidQuery(
                "sort=distance needs a point: give near=lat,lon, near_postcode or near_town.",
                {"sort": ["needs near"]},
            )
        if self.radius_km is not None and self.near is None:
            raise InvalidQuery(
                "radius_km needs a centre: give near=lat,lon, near_postcode or near_town.",
                {"radius_km": ["needs near"]},
            )
        if self.page < 1:
            raise InvalidQuery(f"page must be 1 or more, not {self.page}.", {"page": [">= 1"]})
        if self.per_page < 1:
            raise InvalidQuery(
                f"per_page must be 1 or more, not {self.per_page}.", {"per_page": [">= 1"]}
            )

    @property
    def filter_values(self) -> dict[str, Any]:
        return dict(self.filters)

    @property
    def sorts_by_dynamic(self) -> bool:
        """Whether ``sort`` names an active dynamic filter (ascending, unknown values last)."""
        return isinstance(self.filter_values.get(self.sort), DynamicValue)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@frozen
class FacetValue:
    """How many results one value of a faceted filter gives."""

    value: str
    label: str
    count: int
    selected: bool


@frozen
class Cluster:
    """Several hits drawn as one map symbol: their count, centre and bounds.

    A *stack* is a group that zooming cannot pull apart (one address, or a few metres apart,
    or the deepest zoom reached): the map lists its ``members`` instead of zooming in. Only
    stacks carry members, sorted by name.
    """

    lat: float
    lon: float
    count: int
    south: float
    west: float
    north: float
    east: float
    stack: bool = False
    members: tuple[SearchHit, ...] = ()


@frozen
class SearchHit:
    """A company in a result page, with what a list entry shows."""

    id: int
    slug: str
    name: str
    town: str
    industry: str
    lat: float
    lon: float
    size: str
    is_demo: bool
    distance_m: float | None = None
    #: (key, value) of every active dynamic filter, e.g. (("transit_time", 23.5),); None: unknown
    dynamic: tuple[tuple[str, float | None], ...] = ()
    #: the company's badges with a count above 0 ("3 offene Stellen"), see core.search.badges
    badges: tuple[HitBadge, ...] = ()

    @property
    def dynamic_values(self) -> dict[str, float | None]:
        return dict(self.dynamic)


@frozen
class SearchResult:
    """The answer to a SearchQuery."""

    total: int
    items: tuple[SearchHit, ...]
    facets: dict[str, tuple[FacetValue, ...]]
    clusters: tuple[Cluster, ...]
    points: tuple[SearchHit, ...]
    page: int
    per_page: int
    index_version: int = 0
    #: (south, west, north, east) around every hit, for zooming the map to the results;
    #: None without map output
    bounds: tuple[float, float, float, float] | None = None
    #: filter key -> why that plugin filter is unavailable (no facet for it in this answer)
    unavailable: dict[str, str] = field(factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


class PlaceResolver(Protocol):
    """What the parser needs to resolve near_postcode and near_town."""

    def locate_postcode(self, postcode: str) -> Location: ...

    def locate_town(self, name: str) -> Location: ...


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = [v for v in params.get(name, ()) if v is not None]
    if len(values) > 1:
        raise InvalidQuery(
            f"{name} was given {len(values)} times; give it once.", {name: ["given more than once"]}
        )
    return values[0].strip() if values and values[0].strip() != "" else None


def _floats(text: str, name: str, count: int, shape: str) -> list[float]:
    parts = text.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != count or not all(math.isfinite(n) for n in numbers):
        raise InvalidQuery(f"{name}={text!r} is malformed; use {shape}.", {name: [f"use {shape}"]})
    return numbers


def parse_bbox(text: str, name: str = "bbox") -> BBox:
    """A ``BBox`` from ``west,south,east,north`` in degrees, as a URL parameter gives it;
    InvalidQuery naming the parameter ``name`` when it is malformed, outside the world or
    inverted."""
    west, south, east, north = _floats(text, name, 4, "west,south,east,north in degrees")
    try:
        return BBox(west, south, east, north)
    except InvalidQuery as exc:
        if name == "bbox":
            raise
        message = exc.message.replace("bbox ", f"{name} ", 1)
        raise InvalidQuery(message, {name: exc.errors.get("bbox", [])}) from None


def parse_point(text: str, name: str = "near") -> Location:
    """A ``Location`` from ``lat,lon`` in degrees, as a URL parameter gives it; InvalidQuery
    naming the parameter ``name`` when it is malformed or outside the world."""
    lat, lon = _floats(text, name, 2, "lat,lon in degrees such as 51.61,7.19")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidQuery(f"{name}={text!r} lies outside the world.", {name: ["out of range"]})
    return Location(lat, lon)


def _int(text: str | None, name: str, default: int, low: int, high: int) -> int:
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise InvalidQuery(
            f"{name}={text!r} is not a whole number.", {name: ["whole number expected"]}
        ) from None
    if not low <= value <= high:
        raise InvalidQuery(
            f"{name}={value} is out of range; use {low} to {high}.",
            {name: [f"between {low} and {high}"]},
        )
    return value


def parse_search_params(
    params: Mapping[str, Sequence[str]],
    registry: FilterRegistry,
    places: PlaceResolver,
    *,
    default_per_page: int = 20,
    max_per_page: int = 200,
    languages: Sequence[str] | None = None,
) -> SearchQuery:
    """Build a SearchQuery from URL parameters; unknown parameters are an error.

    ``languages``: the portal's (``lang=`` must be one of them; the first is the default);
    None where the caller checked ``lang`` already (German when it is left out).
    """
    problems: dict[str, list[str]] = {}
    messages: list[str] = []

    def fail(exc: InvalidQuery) -> None:
        messages.append(exc.message)
        for k, v in exc.errors.items():
            problems.setdefault(k, []).extend(v)

    filter_params = {k: v for k, v in params.items() if k not in RESERVED_PARAMS}
    filters: dict[str, Any] = {}
    try:
        filters = registry.parse_filters(filter_params)
    except InvalidQuery as exc:
        fail(exc)

    kwargs: dict[str, Any] = {}
    try:
        bbox = _one(params, "bbox")
        if bbox is not None:
            kwargs["bbox"] = parse_bbox(bbox)
    except InvalidQuery as exc:
        fail(exc)
    try:
        view = _one(params, "view")
        if view is not None:
            kwargs["view"] = BBox(*_floats(view, "view", 4, "west,south,east,north in degrees"))
    except InvalidQuery as exc:
        # the box checks speak of a bbox; this one is the view
        fail(InvalidQuery(exc.message.replace("bbox ", "view ", 1), {"view": ["invalid box"]}))

    near_sources = [n for n in ("near", "near_postcode", "near_town") if _safe_one(params, n)]
    if len(near_sources) > 1:
        fail(
            InvalidQuery(
                f"Give only one of {', '.join(near_sources)}.",
                {n: ["only one of near, near_postcode, near_town"] for n in near_sources},
            )
        )
    else:
        try:
            kwargs["near"] = _near(params, places)
        except InvalidQuery as exc:
            fail(exc)
    try:
        radius = _one(params, "radius_km")
        if radius is not None:
            value = _floats(radius, "radius_km", 1, "a distance in km such as 5")[0]
            if not 0 < value <= MAX_RADIUS_KM:
                raise InvalidQuery(
                    f"radius_km={radius} is out of range; use more than 0 and at "
                    f"most {MAX_RADIUS_KM:g}.",
                    {"radius_km": ["out of range"]},
                )
            kwargs["radius_km"] = value
        zoom = _one(params, "zoom")
        kwargs["zoom"] = None if zoom is None else _int(zoom, "zoom", 0, 0, 22)
        kwargs["page"] = _int(_one(params, "page"), "page", 1, 1, 10**9)
        kwargs["per_page"] = _int(
            _one(params, "per_page"), "per_page", default_per_page, 1, max_per_page
        )
        kwargs["sort"] = _one(params, "sort") or "name"
        kwargs["text"] = (_one(params, "q") or "")[:200]
        kwargs["lang"] = _one(params, "lang") or (languages[0] if languages else "de")
        if languages is not None and kwargs["lang"] not in languages:
            offered = ", ".join(languages)
            raise InvalidQuery(
                f"lang={kwargs['lang']!r} is not offered; use one of {offered}.",
                {"lang": [f"one of {offered}"]},
            )
    except InvalidQuery as exc:
        fail(exc)
    if messages:
        raise InvalidQuery(" ".join(messages), problems)
    return SearchQuery(filters=filters, **kwargs)


def _safe_one(params: Mapping[str, Sequence[str]], name: str) -> bool:
    return any(v is not None and v.strip() for v in params.get(name, ()))


def _near(params: Mapping[str, Sequence[str]], places: PlaceResolver) -> Location | None:
    near = _one(params, "near")
    if near is not None:
        return parse_point(near)
    postcode = _one(params, "near_postcode")
    if postcode is not None:
        try:
            return places.locate_postcode(postcode)
        except GeocodingError as exc:
            raise InvalidQuery(exc.message, {"near_postcode": [exc.message]}) from None
    town = _one(params, "near_town")
    if town is not None:
        try:
            return places.locate_town(town)
        except (NotFound, GeocodingError) as exc:
            raise InvalidQuery(exc.message, {"near_town": [exc.message]}) from None
    return None
