"""Independent reference answers: brute force in plain Python over ``Company`` values.

Nothing here uses the search engine, the index or ``core.search.geo``. Filter semantics are written
down from the documentation (README, ARCHITECTURE.md, the filter help texts), not read from
the engine: choice filters and "any" multichoice filters match when the company has one of the
chosen values, "all" filters (family, benefit) when it has every chosen value, ranges are
inclusive, bbox edges are inclusive, a radius is a great-circle distance on a sphere.

The only core helpers used are the vocabularies (data) and ``core.search.textindex.words``, the
documented definition of how text is folded ("Bäcker", "Baecker" and "BACKER" meet); tests
in test_search.py pin that folding to user-visible examples.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core import classifications as vocab
from core.model import Company, Status
from core.region import Region
from core.search.textindex import fold, label_words, words
from core.settings import PortalSettings

#: The sphere the product measures on (IUGG mean radius), written down independently.
EARTH_RADIUS_M = 6_371_008.8

CHOICE = "choice"
ANY = "any"
ALL = "all"
RANGE = "range"
BOOL = "bool"


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres on the sphere of radius EARTH_RADIUS_M."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def destination(
    lat: float, lon: float, bearing_deg: float, distance_m: float
) -> tuple[float, float]:
    """The point ``distance_m`` from (lat, lon) on the initial bearing (destination formula)."""
    phi1, lmb1 = math.radians(lat), math.radians(lon)
    theta = math.radians(bearing_deg)
    delta = distance_m / EARTH_RADIUS_M
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    )
    lmb2 = lmb1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    return math.degrees(phi2), (math.degrees(lmb2) + 540) % 360 - 180


def size_class(employees: int) -> str:
    """EU SME class by head count (Commission Recommendation 2003/361/EC)."""
    if employees < 10:
        return "micro"
    if employees < 50:
        return "small"
    if employees < 250:
        return "medium"
    return "large"


@dataclass(frozen=True)
class RefFilter:
    """How the reference reads and matches one filter."""

    kind: str  # CHOICE, "multi", RANGE, BOOL
    match: str  # ANY or ALL (multi only)
    values: Callable[[Company], Any]  # set of codes, a float (NaN: unknown) or a bool
    choices: tuple[str, ...] = ()
    faceted: bool = True


def core_filters(region: Region) -> dict[str, RefFilter]:
    """The core filters as the documentation describes them."""
    towns = {t.ags for t in region.towns}

    def one(value: str | None) -> set[str]:
        return {value} if value else set()

    return {
        "industry": RefFilter(CHOICE, ANY, lambda c: one(c.industry), vocab.industries().codes),
        "industry_division": RefFilter(
            CHOICE, ANY, lambda c: one(c.industry_division), vocab.industry_divisions().codes
        ),
        "profession": RefFilter(
            "multi", ANY, lambda c: set(c.professions), vocab.professions().codes
        ),
        "town": RefFilter(
            CHOICE,
            ANY,
            lambda c: {c.address.ags if c.address.ags in towns else "other"},
            (*(t.ags for t in region.towns), "other"),
        ),
        "size": RefFilter(
            CHOICE, ANY, lambda c: {size_class(c.employees)}, vocab.size_classes().codes
        ),
        "employees": RefFilter(RANGE, ANY, lambda c: float(c.employees), faceted=False),
        "family": RefFilter("multi", ALL, lambda c: set(c.family), vocab.family_features().codes),
        "offer": RefFilter("multi", ANY, lambda c: set(c.offers), vocab.offers().codes),
        "benefit": RefFilter("multi", ALL, lambda c: set(c.benefits), vocab.benefits().codes),
    }


@dataclass(frozen=True)
class Between:
    """An inclusive range filter value; either side may be open (None)."""

    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class RefQuery:
    """A search in reference terms: typed filter values, text, area."""

    filters: Mapping[str, Any] = field(default_factory=dict)  # codes tuple | Between | True
    text: str = ""
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    near: tuple[float, float] | None = None
    radius_km: float | None = None

    def to_params(self, **extra: Any) -> dict[str, list[str]]:
        """The same search as URL parameters (what a browser would send)."""
        params: dict[str, list[str]] = {}
        for key, value in self.filters.items():
            if value is True:
                params[key] = ["true"]
            elif isinstance(value, Between):
                low = "" if value.low is None else repr(value.low)
                high = "" if value.high is None else repr(value.high)
                params[key] = [f"{low}..{high}"]
            else:
                params[key] = list(value)
        if self.text:
            params["q"] = [self.text]
        if self.bbox is not None:
            params["bbox"] = [",".join(repr(v) for v in self.bbox)]
        if self.near is not None:
            params["near"] = [f"{self.near[0]!r},{self.near[1]!r}"]
        if self.radius_km is not None:
            params["radius_km"] = [repr(self.radius_km)]
        for key, value in extra.items():
            params[key] = [str(value)]
        return params


def _label_words(vocabulary: vocab.Vocabulary, languages: Sequence[str]) -> dict[str, list[str]]:
    return {t.code: label_words(" ".join(t.label(lang) for lang in languages)) for t in vocabulary}


class Reference:
    """Brute-force answers for a fixed set of companies."""

    def __init__(
        self,
        companies: Iterable[Company],
        region: Region,
        extra_filters: Mapping[str, RefFilter] | None = None,
        languages: Sequence[str] | None = None,
    ) -> None:
        # a choice is found by its label in every language the portal offers (by default
        # those of the default settings, which the engine under test gets too)
        languages = PortalSettings().languages if languages is None else languages
        # only published companies with a location are public and on the map
        self.companies = [
            c for c in companies if c.status is Status.PUBLISHED and c.location is not None
        ]
        self.filters = {**core_filters(region), **(extra_filters or {})}
        industry = _label_words(vocab.industries(), languages)
        division = _label_words(vocab.industry_divisions(), languages)
        profession = _label_words(vocab.professions(), languages)
        self._words: dict[int, list[str]] = {}
        for c in self.companies:
            own = words(f"{c.name} {c.description} {c.address.town}")
            labels = list(industry.get(c.industry, ()))
            labels += division.get(c.industry_division or "", [])
            for p in c.professions:
                labels += profession.get(p, [])
            self._words[id(c)] = own + labels

    # --- matching ----------------------------------------------------------------------

    def text_matches(self, company: Company, text: str) -> bool:
        query = label_words(text)
        doc = self._words[id(company)]
        return all(any(w in d for d in doc) for w in query)

    def distance(self, company: Company, near: tuple[float, float]) -> float:
        assert company.location is not None
        return haversine_m(near[0], near[1], company.location.lat, company.location.lon)

    def in_area(self, company: Company, q: RefQuery) -> bool:
        loc = company.location
        assert loc is not None
        if q.bbox is not None:
            west, south, east, north = q.bbox
            if not (west <= loc.lon <= east and south <= loc.lat <= north):
                return False
        if q.near is not None and q.radius_km is not None:
            if self.distance(company, q.near) > q.radius_km * 1000:
                return False
        return True

    def filter_matches(self, company: Company, key: str, value: Any) -> bool:
        spec = self.filters[key]
        have = spec.values(company)
        if spec.kind == RANGE:
            if have is None or math.isnan(have):
                return False
            return (value.low is None or have >= value.low) and (
                value.high is None or have <= value.high
            )
        if spec.kind == BOOL:
            return bool(have) if value else True
        wanted = set(value)
        if spec.kind == "multi" and spec.match == ALL:
            return wanted <= have
        return bool(wanted & have)

    def base(self, q: RefQuery) -> list[Company]:
        return [
            c
            for c in self.companies
            if self.in_area(c, q) and (not q.text or self.text_matches(c, q.text))
        ]

    def result(self, q: RefQuery) -> list[Company]:
        return [
            c
            for c in self.base(q)
            if all(self.filter_matches(c, k, v) for k, v in q.filters.items())
        ]

    # --- facets ------------------------------------------------------------------------

    def facets(self, q: RefQuery) -> dict[str, dict[str, int]]:
        """Per faceted filter and value: how many companies choosing that value gives.

        "any" and choice filters count against every *other* active filter; "all" filters
        count on the full result (what adding the value to the current choice gives).
        """
        base = self.base(q)
        passes = {
            id(c): {k: self.filter_matches(c, k, v) for k, v in q.filters.items()} for c in base
        }
        out: dict[str, dict[str, int]] = {}
        for key, spec in self.filters.items():
            if not spec.faceted:
                continue
            ignore = key if not (spec.kind == "multi" and spec.match == ALL) else None
            counted = [c for c in base if all(ok for k, ok in passes[id(c)].items() if k != ignore)]
            if spec.kind == BOOL:
                out[key] = {"true": sum(1 for c in counted if spec.values(c))}
                continue
            counter: Counter[str] = Counter()
            for c in counted:
                counter.update(spec.values(c))
            out[key] = {value: counter.get(value, 0) for value in spec.choices}
        return out

    # --- order -------------------------------------------------------------------------

    @staticmethod
    def name_key(company: Company) -> tuple[str, int]:
        return fold(company.name), company.id or 0

    def ordered(self, q: RefQuery, sort: str = "name") -> list[Company]:
        hits = self.result(q)
        if sort == "distance":
            assert q.near is not None
            return sorted(hits, key=lambda c: (self.distance(c, q.near), self.name_key(c)))
        return sorted(hits, key=self.name_key)


def assert_distance_order(
    ids: Sequence[int],
    by_id: Mapping[int, Company],
    reference: Reference,
    near: tuple[float, float],
) -> None:
    """Items are ordered by distance, ties (equal within a micrometre) by folded name, then id."""
    for a, b in zip(ids, ids[1:], strict=False):
        da = reference.distance(by_id[a], near)
        db = reference.distance(by_id[b], near)
        assert da <= db + 1e-6, f"company {a} ({da:.3f} m) is listed before {b} ({db:.3f} m)"
        if abs(da - db) <= 1e-6:
            assert Reference.name_key(by_id[a]) <= Reference.name_key(by_id[b]), (
                f"equally distant companies {a} and {b} are not in name order"
            )


# --- random searches -----------------------------------------------------------------------

TEXTS = [
    "metall",
    "Bäckerei",
    "baeckerei",
    "MÜLLER",
    "gmbh",
    "pflege",
    "service",
    "handel",
    "fiktiv",
    "bau",
    "logistik",
    "schmidt kg",
    "Quantenkaffeeröster",
    "obsthof",
    "zeche",
    "herstellung",
    "nursing",
    "werk",
    "Gelsenkirchen",
    "e.K.",
]


def _pick(rng: random.Random, codes: tuple[str, ...], own: set[str], most: int) -> tuple[str, ...]:
    values = set(rng.sample(codes, rng.randint(1, most)))
    if own:
        values.add(rng.choice(sorted(own)))
    return tuple(sorted(values))


def random_query(rng: random.Random, reference: Reference, region: Region) -> tuple[RefQuery, str]:
    """A random combination of filters, text and area; usually built around one company so
    that the result is rarely empty."""
    anchor: Company | None = rng.choice(reference.companies) if rng.random() < 0.8 else None
    specs = reference.filters
    filters: dict[str, object] = {}

    def own(key: str) -> set[str]:
        return set(specs[key].values(anchor)) if anchor is not None else set()

    for key, most in (
        ("industry", 3),
        ("industry_division", 2),
        ("profession", 3),
        ("town", 2),
        ("size", 2),
        ("offer", 2),
    ):
        if rng.random() < 0.3:
            filters[key] = _pick(rng, specs[key].choices, own(key), most)
    for key in ("family", "benefit"):  # "all": the anchor has every chosen value
        if rng.random() < 0.3:
            have = sorted(own(key))
            if anchor is not None and have:
                filters[key] = tuple(rng.sample(have, rng.randint(1, min(2, len(have)))))
            elif anchor is None:
                filters[key] = tuple(rng.sample(specs[key].choices, rng.randint(1, 2)))
    if rng.random() < 0.3:
        if anchor is not None:
            low = max(0, anchor.employees - rng.randint(0, 20)) if rng.random() < 0.7 else None
            high = (
                anchor.employees + rng.randint(0, 100)
                if rng.random() < 0.7 or low is None
                else None
            )
        else:
            low, high = rng.choice([(10, 49), (None, 9), (50, None), (0, 0), (250, None)])
        filters["employees"] = Between(
            None if low is None else float(low), None if high is None else float(high)
        )

    text = ""
    if rng.random() < 0.3:
        if anchor is not None and rng.random() < 0.6:
            word = rng.choice(words(anchor.name))
            start = rng.randrange(0, max(1, len(word) - 3))
            text = word[start : start + rng.randint(3, 8)]
        else:
            text = rng.choice(TEXTS)

    bbox = None
    b = region.bounds
    if rng.random() < 0.3:
        if anchor is not None and anchor.location is not None:
            lat, lon = anchor.location.lat, anchor.location.lon
            bbox = (
                math.floor((lon - rng.uniform(0, 0.12)) * 1e4) / 1e4,
                math.floor((lat - rng.uniform(0, 0.08)) * 1e4) / 1e4,
                math.ceil((lon + rng.uniform(0, 0.12)) * 1e4) / 1e4,
                math.ceil((lat + rng.uniform(0, 0.08)) * 1e4) / 1e4,
            )
        else:
            west, east = sorted(rng.uniform(b.west, b.east) for _ in range(2))
            south, north = sorted(rng.uniform(b.south, b.north) for _ in range(2))
            bbox = (round(west, 4), round(south, 4), round(east, 4), round(north, 4))

    near = radius = None
    if rng.random() < 0.4:
        if anchor is not None and anchor.location is not None:
            near = destination(
                anchor.location.lat, anchor.location.lon, rng.uniform(0, 360), rng.uniform(0, 4000)
            )
            if rng.random() < 0.75:
                d = haversine_m(near[0], near[1], anchor.location.lat, anchor.location.lon)
                radius = math.ceil(d / 1000 + rng.uniform(0.05, 6.0))
        else:
            near = (rng.uniform(b.south, b.north), rng.uniform(b.west, b.east))
            radius = rng.choice([None, 2.5, 7.0, 15.0])
    sort = "distance" if near is not None and rng.random() < 0.6 else "name"
    return RefQuery(filters=filters, text=text, bbox=bbox, near=near, radius_km=radius), sort
