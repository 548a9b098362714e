"""The housing service of one process: the offers as numpy columns, the list search, the
company column "km to the nearest offer under a rent cap", and the commute from an offer.

Offers are loaded from the database into arrays and reloaded when the plugin's version
counter moves (checked at most every ``search.refresh_interval`` seconds, like the search
index). Whether an offer has expired is decided at query time from ``clock()``, a date the
tests can set, so an expired offer never shows, whatever is cached.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from collections.abc import Hashable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from attrs import define
from attrs import field
from attrs import frozen
from core import EARTH_RADIUS_M
from core import Address
from core import BBox
from core import Choice
from core import FilterKind
from core import FilterSpec
from core import GeocodingError
from core import InvalidQuery
from core import PluginSnapshot
from core import Range
from core import SearchResult
from core import Sentence
from core import Text
from core import haversine_m
from core import parse_date
from core import parse_point
from core import postcode_towns
from sqlalchemy import select

from plugins.housing import repository as repo
from plugins.housing import tables as t
from plugins.housing.model import DOMAIN
from plugins.housing.model import KINDS
from plugins.housing.model import OFFER_TYPES
from plugins.housing.model import PROVIDERS
from plugins.housing.model import Offer
from plugins.housing.model import Place
from plugins.housing.model import said
from plugins.housing.settings import HousingSettings

if TYPE_CHECKING:
    from core import IndexSource
    from core import Platform
    from core import SearchIndex

__all__ = ["HousingService", "OfferArrays", "OfferPage", "OfferQuery", "RentCap"]

SORTS = (
    "rent",
    "-rent",
    "price",
    "-price",
    "area",
    "-area",
    "rooms",
    "-rooms",
    "distance",
    "available",
    "newest",
)


@frozen
class RentCap:
    """The argument of the company filter housing_km: a warm-rent cap and the day asked on.

    The day is part of the value (and so of core's cache key for the computed column): from
    midnight on, a new column without the offers that expired is computed.
    """

    eur: int
    day: int

    def __str__(self) -> str:
        return str(self.eur)


@define
class OfferArrays:
    """Every stored offer as columns (expired ones too: the clock decides per request)."""

    version: int
    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    warm: np.ndarray
    cold: np.ndarray
    price: np.ndarray
    rooms: np.ndarray
    area: np.ndarray
    kind: np.ndarray
    provider: np.ndarray
    offer_type: np.ndarray
    expires: np.ndarray
    available: np.ndarray
    position: dict[int, int] = field(factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def active(self, today: dt.date) -> np.ndarray:
        return np.asarray(self.expires >= today.toordinal())


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    p, lam = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(p) * np.cos(lam), np.cos(p) * np.sin(lam), np.sin(p)))


def _chord_to_km(chord: np.ndarray) -> np.ndarray:
    # the chord between two unit vectors -> great-circle distance (the haversine's)
    return 2.0 * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0)) * EARTH_RADIUS_M / 1000.0


def _codes(values: Sequence[str], choices: tuple[Choice, ...]) -> np.ndarray:
    position = {c.value: i for i, c in enumerate(choices)}
    return np.fromiter((position.get(v, -1) for v in values), dtype=np.int16, count=len(values))


def _floats(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


def _never(_: Any) -> np.ndarray:  # the list filters are parsed by FilterSpec, never indexed
    raise AssertionError("not an index column")


def _label(key: str) -> Text:
    return Text.message(DOMAIN, f"list_filter.{key}")


#: The filters of the offer list (parsed and documented like core's filters).
LIST_FILTERS: dict[str, FilterSpec] = {
    spec.key: spec
    for spec in (
        FilterSpec("rent", _label("rent"), FilterKind.RANGE, column=_never,
                   single="max", unit="EUR", minimum=0, plugin="housing"),
        FilterSpec("cold_rent", _label("cold_rent"), FilterKind.RANGE, column=_never,
                   single="max", unit="EUR", minimum=0, plugin="housing"),
        FilterSpec("price", _label("price"), FilterKind.RANGE, column=_never,
                   single="max", unit="EUR", minimum=0, plugin="housing"),
        FilterSpec("rooms", _label("rooms"), FilterKind.RANGE, column=_never,
                   single="min", minimum=0, plugin="housing"),
        FilterSpec("area", _label("area"), FilterKind.RANGE, column=_never,
                   single="min", unit="m²", minimum=0, plugin="housing"),
        FilterSpec("kind", _label("kind"), FilterKind.CHOICE, column=_never, choices=KINDS,
                   plugin="housing"),
        FilterSpec("provider", _label("provider"), FilterKind.CHOICE, column=_never,
                   choices=PROVIDERS, plugin="housing"),
        FilterSpec("offer_type", _label("offer_type"), FilterKind.CHOICE,
                   column=_never, choices=OFFER_TYPES, plugin="housing"),
    )
}  # fmt: skip
FACETS = ("kind", "provider", "offer_type")


@frozen
class OfferQuery:
    """A request for the offer list."""

    filters: tuple[tuple[str, Any], ...] = ()
    bbox: BBox | None = None
    center: tuple[float, float] | None = None
    radius_km: float | None = None
    available_by: dt.date | None = None
    sort: str = "rent"
    page: int = 1
    per_page: int = 20
    lang: str = "de"


@frozen
class OfferPage:
    """The answer: total, the page's offer ids with distances, facet counts."""

    total: int
    ids: tuple[int, ...]
    distances_m: tuple[float | None, ...]
    facets: dict[str, list[dict[str, Any]]]
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


class HousingService:
    """Per platform: the offers in memory and everything computed from them."""

    def __init__(self, platform: Platform, settings: HousingSettings) -> None:
        self.platform = platform
        self.settings = settings
        self._zone = ZoneInfo(settings.timezone)
        #: today's date in the configured time zone; tests replace it with a fixed clock
        self.clock: Callable[[], dt.date] = lambda: dt.datetime.now(self._zone).date()
        self._snapshot = PluginSnapshot(platform, "housing", _load, lambda: _load(None, -1))
        self._slugs: tuple[int, dict[str, int]] | None = None

    def today(self) -> dt.date:
        return self.clock()

    # --- offers in memory -------------------------------------------------------------------

    def state(self, *, force: bool = False) -> OfferArrays:
        """The offers, reloaded when another write happened (checked at intervals)."""
        return self._snapshot.get(force=force)

    # --- places ------------------------------------------------------------------------------

    def locate(
        self,
        street: str,
        postcode: str,
        town: str,
        public: bool,
        given: tuple[float, float] | None,
    ) -> Place:
        """Where an offer is shown: with a public address its coordinates (given or from the
        configured geocoder); otherwise the postcode's centroid, so the map never shows more
        than the provider chose to publish."""
        town = town or self._town(postcode)
        exact = public and bool(street)
        try:
            if not exact:
                point = self.platform.locate_postcode(postcode)
            elif given is not None:
                return Place(street, postcode, town, True, given[0], given[1])
            else:
                point = self.platform.locate(Address(street, postcode, town))
        except GeocodingError as exc:
            raise ValueError(exc.message) from None
        return Place(street, postcode, town, exact, point.lat, point.lon)

    def _town(self, postcode: str) -> str:
        town = self.platform.region.town_for_postcode(postcode)
        if town is not None:
            return town.name
        places = postcode_towns(postcode)
        return places[0] if places else ""

    # --- the company filter -----------------------------------------------------------------

    def parse_rent_cap(self, text: str) -> RentCap:
        """housing_rent=700: a warm rent in euros (the canonical argument with today's date)."""
        try:
            value = float(text.strip().replace(",", ".").removesuffix("€"))
        except ValueError:
            value = float("nan")
        if not (0 < value <= 50_000):
            raise InvalidQuery(
                said("query.rent_cap", value=repr(text)),
                {"housing_rent": ["a number of euros between 1 and 50000"]},
            )
        return RentCap(int(round(value)), self.today().toordinal())

    def distance_column(self, index: SearchIndex, argument: Hashable) -> np.ndarray:
        """Per company of ``index``: km to the nearest offer for rent whose warm rent is at
        most the cap and that is active on the argument's day; NaN when there is none."""
        assert isinstance(argument, RentCap)
        state = self.state(force=True)
        chosen = (
            (state.expires >= argument.day)
            & (state.offer_type == OFFER_TYPES_INDEX["rent"])
            & (state.warm <= argument.eur)
        )
        out = np.full(len(index.ids), np.nan)
        if not chosen.any() or len(index.ids) == 0:
            return out
        from scipy.spatial import cKDTree  # imported on first use (slow to import)

        tree = cKDTree(_unit_vectors(state.lat[chosen], state.lon[chosen]))
        chord, _ = tree.query(_unit_vectors(index.lat, index.lon), k=1)
        out[:] = _chord_to_km(np.asarray(chord))
        return out

    @staticmethod
    def staff_housing_column(source: IndexSource) -> np.ndarray:
        """Whether the company said in the questionnaire that it offers housing to staff."""
        answers = source.extension("housing", "offers_housing", False)
        return np.fromiter((v is True for v in answers), dtype=bool, count=len(answers))

    # --- the offer list ---------------------------------------------------------------------

    def parse_list(self, params: Mapping[str, Sequence[str]], lang: str = "de") -> OfferQuery:
        """An OfferQuery from URL parameters; every problem reported at once."""
        problems: dict[str, list[str]] = {}
        messages: list[str] = []

        def fail(exc: InvalidQuery) -> None:
            messages.append(exc.message)
            for key, value in exc.errors.items():
                # a field's problem as a sentence in every language (the search form shows
                # it at the field): the field's own when it is one, else the whole message
                said_ = [v if isinstance(v, Sentence) else exc.message for v in value]
                problems.setdefault(key, []).extend(dict.fromkeys(said_))

        def one(name: str) -> str | None:
            values = [v for v in params.get(name, ()) if v is not None and v.strip()]
            if len(values) > 1:
                fail(
                    InvalidQuery(
                        said("query.once", name=name, count=len(values)),
                        {name: ["given more than once"]},
                    )
                )
            return values[0].strip() if values else None

        filters: dict[str, Any] = {}
        for key, spec in LIST_FILTERS.items():
            try:
                value = spec.parse(list(params.get(key, ())))
            except InvalidQuery as exc:
                fail(exc)
                continue
            if value is not None:
                filters[key] = value
        kwargs: dict[str, Any] = {"lang": lang}
        try:
            kwargs["center"] = self._center(one("company"), one("near"))
        except InvalidQuery as exc:
            fail(exc)
        try:
            self._list_options(one, kwargs)
        except InvalidQuery as exc:
            fail(exc)
        for key, label, needed in (
            ("radius_km", "radius_km", kwargs.get("radius_km") is not None),
            ("sort", "sort=distance", kwargs.get("sort") == "distance"),
        ):
            if needed and kwargs.get("center") is None:
                fail(
                    InvalidQuery(
                        said("query.needs_centre", what=label),
                        {key: ["needs company or near"]},
                    )
                )
        if messages:
            # one problem keeps its Sentence, so a page can show it in its language
            raise InvalidQuery(messages[0] if len(messages) == 1 else " ".join(messages), problems)
        return OfferQuery(filters=tuple(sorted(filters.items())), **kwargs)

    def _list_options(self, one: Callable[[str], str | None], kwargs: dict[str, Any]) -> None:
        """bbox, radius_km, available_by, sort, page and per_page into ``kwargs``;
        InvalidQuery names the first bad one."""
        bbox = one("bbox")
        if bbox is not None:
            parts = [float(p) for p in bbox.split(",")] if _is_numbers(bbox, 4) else []
            if len(parts) != 4:
                raise InvalidQuery(
                    said("query.bbox", value=repr(bbox)),
                    {"bbox": ["use west,south,east,north"]},
                )
            kwargs["bbox"] = BBox(*parts)
        radius = one("radius_km")
        if radius is not None:
            value = float(radius) if _is_numbers(radius, 1) else -1.0
            if not 0 < value <= self.settings.max_radius_km:
                raise InvalidQuery(
                    said(
                        "query.radius", value=repr(radius), limit=f"{self.settings.max_radius_km:g}"
                    ),
                    {"radius_km": ["out of range"]},
                )
            kwargs["radius_km"] = value
        available = one("available_by")
        if available is not None:
            try:
                # 07.12.2026 as the list page's date field shows it, or ISO as in the API
                kwargs["available_by"] = parse_date(available)
            except ValueError:
                bad_day = said("query.available_by", value=available)
                raise InvalidQuery(bad_day, {"available_by": [bad_day]}) from None
        sort = one("sort") or ("distance" if kwargs.get("center") else "rent")
        if sort not in SORTS:
            raise InvalidQuery(
                said("query.sort", value=repr(sort), choices=", ".join(SORTS)),
                {"sort": ["unknown sort order"]},
            )
        kwargs["sort"] = sort
        for name, default, high in (
            ("page", 1, 10**6),
            (
                "per_page",
                self.platform.settings.search.per_page,
                self.platform.settings.search.max_per_page,
            ),
        ):
            text = one(name)
            number = int(text) if text is not None and text.isdigit() else default
            if text is not None and (not text.isdigit() or not 1 <= number <= high):
                raise InvalidQuery(
                    said("query.whole_number", name=name, value=repr(text), limit=high),
                    {name: [f"1 to {high}"]},
                )
            kwargs[name] = number

    def _center(self, company: str | None, near: str | None) -> tuple[float, float] | None:
        if company is not None and near is not None:
            raise InvalidQuery(
                said("query.company_or_near"), {"company": ["only one of company, near"]}
            )
        if near is not None:
            where = parse_point(near)
            return where.lat, where.lon
        if company is not None:
            index = self.platform.search_index()
            row = None
            if company.isdigit():
                row = index.row_of.get(int(company))
            else:
                if self._slugs is None or self._slugs[0] != id(index):
                    self._slugs = (id(index), {s: r for r, s in enumerate(index.slugs)})
                row = self._slugs[1].get(company)
            if row is None or not index.alive[row]:
                raise InvalidQuery(
                    said("query.unknown_company", company=repr(company)),
                    {"company": ["unknown company"]},
                )
            return float(index.lat[row]), float(index.lon[row])
        return None

    def search(self, query: OfferQuery) -> OfferPage:
        """Filter, count, sort and page the active offers (numpy over all columns)."""
        state = self.state()
        today = self.today()
        base = state.active(today)
        if query.bbox is not None:
            b = query.bbox
            base &= (state.lat >= b.south) & (state.lat <= b.north)
            base &= (state.lon >= b.west) & (state.lon <= b.east)
        distance = None
        if query.center is not None:
            distance = haversine_m(query.center[0], query.center[1], state.lat, state.lon)
            if query.radius_km is not None:
                base &= distance <= query.radius_km * 1000.0
        if query.available_by is not None:
            base &= state.available <= query.available_by.toordinal()
        masks = {key: _mask(state, key, value) for key, value in query.filters}
        result = base.copy()
        for mask in masks.values():
            result &= mask
        facets = {}
        for key in FACETS:
            spec = LIST_FILTERS[key]
            without = base.copy()
            for other, mask in masks.items():
                if other != key:
                    without &= mask
            column = _column(state, key)
            counts = np.bincount(
                column[without].astype(np.int64) + 1, minlength=len(spec.choices) + 1
            )[1:]
            chosen = set(dict(query.filters).get(key, ()))
            facets[key] = [
                {
                    "value": c.value,
                    "label": c.label(query.lang),
                    "count": int(n),
                    "selected": c.value in chosen,
                }
                for c, n in zip(spec.choices, counts, strict=True)
            ]
        rows = np.flatnonzero(result)
        order = _order(state, rows, query.sort, distance)
        page = rows[order][query.page * query.per_page - query.per_page :][: query.per_page]
        return OfferPage(
            total=int(rows.size),
            ids=tuple(int(i) for i in state.ids[page]),
            distances_m=tuple(
                None if distance is None else round(float(distance[r]), 1) for r in page
            ),
            facets=facets,
            page=query.page,
            per_page=query.per_page,
        )

    def offers(self, page: OfferPage) -> list[Offer]:
        with self.platform.session() as session:
            return repo.offers_by_id(session, page.ids)

    # --- profile pages and offer pages ------------------------------------------------------

    def offers_near(
        self, lat: float, lon: float, radius_km: float, limit: int
    ) -> list[tuple[Offer, float]]:
        """Active offers within ``radius_km`` of a point, nearest first, with metres."""
        state = self.state()
        rows = np.flatnonzero(state.active(self.today()))
        if rows.size == 0 or limit == 0:
            return []
        metres = haversine_m(lat, lon, state.lat[rows], state.lon[rows])
        near = metres <= radius_km * 1000.0
        rows, metres = rows[near], metres[near]
        order = np.lexsort((state.ids[rows], metres))[:limit]
        with self.platform.session() as session:
            found = repo.offers_by_id(session, [int(state.ids[rows[i]]) for i in order])
        by_id = {o.id: o for o in found}
        return [
            (by_id[int(state.ids[rows[i]])], float(metres[i]))
            for i in order
            if int(state.ids[rows[i]]) in by_id
        ]

    def get_public(self, offer_id: int) -> Offer:
        """An offer that anyone may see (NotFound when unknown or expired)."""
        with self.platform.session() as session:
            return repo.get_offer(session, offer_id, active_on=self.today())

    def nearest_employers(
        self, offer: Offer, params: Mapping[str, Sequence[str]], limit: int, lang: str
    ) -> tuple[SearchResult, dict[str, list[str]]]:
        """The employers nearest to ``offer`` that match the company filters in ``params``
        (the platform's own search with near=offer, sort=distance)."""
        own = (
            "near",
            "near_postcode",
            "near_town",
            "sort",
            "page",
            "per_page",
            "zoom",
            "bbox",
            "lang",
        )
        query = {k: list(v) for k, v in params.items() if k not in own}
        query.update(
            near=[f"{offer.lat:.6f},{offer.lon:.6f}"],
            sort=["distance"],
            per_page=[str(limit)],
            lang=[lang],
        )
        result = self.platform.search(self.platform.parse_query(query))
        return result, {k: v for k, v in query.items() if k not in own}


OFFER_TYPES_INDEX = {c.value: i for i, c in enumerate(OFFER_TYPES)}


def _is_numbers(text: str, count: int) -> bool:
    parts = text.split(",")
    if len(parts) != count:
        return False
    try:
        return all(math.isfinite(float(p)) for p in parts)
    except ValueError:
        return False


def _column(state: OfferArrays, key: str) -> np.ndarray:
    return {
        "rent": state.warm,
        "cold_rent": state.cold,
        "price": state.price,
        "rooms": state.rooms,
        "area": state.area,
        "kind": state.kind,
        "provider": state.provider,
        "offer_type": state.offer_type,
    }[key]


def _mask(state: OfferArrays, key: str, value: Any) -> np.ndarray:
    column = _column(state, key)
    spec = LIST_FILTERS[key]
    if spec.kind is FilterKind.CHOICE:
        codes = [spec.choice_values.index(v) for v in value]
        return np.isin(column, codes)
    assert isinstance(value, Range)
    mask = ~np.isnan(column)
    if value.low is not None:
        mask &= column >= value.low
    if value.high is not None:
        mask &= column <= value.high
    return mask


def _order(
    state: OfferArrays, rows: np.ndarray, sort: str, distance: np.ndarray | None
) -> np.ndarray:
    """Positions into ``rows`` in the order asked for; unknown values last, ties by id."""
    ids = state.ids[rows]
    if sort == "newest":
        return np.argsort(-ids, kind="stable")
    if sort == "available":
        return np.lexsort((ids, state.available[rows]))
    if sort == "distance":
        assert distance is not None
        return np.lexsort((ids, distance[rows]))
    key = {"rent": state.warm, "price": state.price, "area": state.area, "rooms": state.rooms}[
        sort.lstrip("-")
    ][rows]
    unknown = np.isnan(key)
    value = np.where(unknown, 0.0, -key if sort.startswith("-") else key)
    return np.lexsort((ids, value, unknown))


def _load(session: Any, version: int) -> OfferArrays:
    rows = []
    if session is not None:
        o = t.offers
        rows = session.execute(
            select(
                o.c.id,
                o.c.lat,
                o.c.lon,
                o.c.warm_rent,
                o.c.cold_rent,
                o.c.price,
                o.c.rooms,
                o.c.area_m2,
                o.c.kind,
                o.c.provider_type,
                o.c.offer_type,
                o.c.expires_on,
                o.c.available_from,
            ).order_by(o.c.id)
        ).all()
    n = len(rows)
    columns = list(zip(*rows, strict=True)) if rows else [()] * 13
    ids = np.fromiter((int(v) for v in columns[0]), dtype=np.int64, count=n)
    return OfferArrays(
        version=version,
        ids=ids,
        lat=np.fromiter(columns[1], dtype=np.float64, count=n),
        lon=np.fromiter(columns[2], dtype=np.float64, count=n),
        warm=_floats(columns[3]),
        cold=_floats(columns[4]),
        price=_floats(columns[5]),
        rooms=_floats(columns[6]),
        area=_floats(columns[7]),
        kind=_codes(columns[8], KINDS),
        provider=_codes(columns[9], PROVIDERS),
        offer_type=_codes(columns[10], OFFER_TYPES),
        expires=np.fromiter((d.toordinal() for d in columns[11]), dtype=np.int64, count=n),
        available=np.fromiter(
            (d.toordinal() if d else 0 for d in columns[12]), dtype=np.int64, count=n
        ),
        position={int(i): p for p, i in enumerate(ids)},
    )


__all__ += ["LIST_FILTERS", "SORTS"]
