"""Core's dynamic range filters (FilterSpec.dynamic), tested with a stand-in provider.

These cover the core extension the transit plugin needs; they live here because the transit
work added it (they could move to tests/core).
"""

from __future__ import annotations

import numpy as np
import pytest

from core import (
    Company,
    ConfigError,
    DynamicColumn,
    DynamicValue,
    FilterKind,
    FilterRegistry,
    FilterSpec,
    IndexSource,
    InvalidQuery,
    Location,
    Range,
    SearchIndex,
    SearchQuery,
    Status,
)
from core.search.geo import haversine_m
from core.search.query import parse_search_params
from core.search.search import search


class Places:
    def locate_postcode(self, postcode):
        raise AssertionError("not used")

    def locate_town(self, name):
        raise AssertionError("not used")


def companies(n: int = 60) -> list[Company]:
    rng = np.random.default_rng(4)
    return [
        Company(
            id=i + 1,
            name=f"Firma {i:02d}",
            location=Location(51.6 + rng.uniform(-0.1, 0.1), 7.1 + rng.uniform(-0.1, 0.1)),
            industry="CG"[i % 2],
            status=Status.PUBLISHED,
        )
        for i in range(n)
    ]


class KmFrom:
    """Kilometres from a point given as 'lat,lon' (NaN for every third row)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def parse(self, text: str) -> str:
        try:
            lat, lon = (float(x) for x in text.split(","))
        except ValueError:
            raise InvalidQuery(f"{text!r} is not lat,lon.", {"km_from": ["lat,lon"]}) from None
        return f"{lat:.3f},{lon:.3f}"

    def compute(self, index: SearchIndex, argument: str) -> np.ndarray:
        self.calls.append(argument)
        lat, lon = (float(x) for x in argument.split(","))
        km = haversine_m(lat, lon, index.lat, index.lon) / 1000
        km[::3] = np.nan
        return km


@pytest.fixture
def setup():
    provider = KmFrom()
    industries = ()
    from core import Choice

    industries = (Choice("C", "C"), Choice("G", "G"))
    registry = FilterRegistry(
        [
            FilterSpec(
                "industry",
                "Branche",
                FilterKind.CHOICE,
                column=lambda s: s.choice_column(s.industry, industries),
                choices=industries,
            ),
            FilterSpec(
                "km",
                "km",
                FilterKind.RANGE,
                dynamic=DynamicColumn("km_from", provider.compute, provider.parse),
            ),
        ]
    )
    rows = companies()
    index = SearchIndex(IndexSource.from_companies(rows), registry)
    return provider, registry, index, rows


def expected_km(rows, lat, lon):
    out = {}
    for i, c in enumerate(rows):
        if i % 3:
            out[c.id] = float(haversine_m(lat, lon, c.location.lat, c.location.lon)) / 1000
    return out


def test_parse_and_filter(setup):
    provider, registry, index, rows = setup
    query = parse_search_params(
        {"km": ["..8"], "km_from": ["51.6,7.1"], "industry": ["C"], "per_page": ["100"]},
        registry,
        Places(),
    )
    assert query.filter_values["km"] == DynamicValue("51.600,7.100", Range(None, 8))
    result = search(index, query)
    km = expected_km(rows, 51.6, 7.1)
    wanted = {c.id for c in rows if c.id in km and km[c.id] <= 8 and c.industry == "C"}
    assert {h.id for h in result.items} == wanted and result.total == len(wanted)
    for hit in result.items:
        assert hit.dynamic_values["km"] == pytest.approx(km[hit.id])
    # facet counts see the dynamic filter like any other
    g_count = sum(1 for c in rows if c.id in km and km[c.id] <= 8 and c.industry == "G")
    assert {f.value: f.count for f in result.facets["industry"]} == {"C": len(wanted), "G": g_count}


def test_sort_cache_and_patch(setup):
    provider, registry, index, rows = setup
    value = DynamicValue("51.650,7.050", Range())
    query = SearchQuery(filters={"km": value}, sort="km", per_page=10)
    first = search(index, query)
    km = expected_km(rows, 51.65, 7.05)
    assert [h.id for h in first.items] == sorted(km, key=lambda i: (km[i], f"Firma {i - 1:02d}"))[
        :10
    ]
    search(index, SearchQuery(filters={"km": value}, page=2))
    assert provider.calls == ["51.650,7.050"]
    patched = index.patched(IndexSource.from_companies(rows[:1]), [rows[1].id], version=1)
    search(patched, query)
    assert provider.calls == ["51.650,7.050"] * 2
    assert rows[1].id not in {
        h.id for h in search(patched, SearchQuery(filters={"km": value}, per_page=100)).items
    }


def test_errors(setup):
    provider, registry, index, rows = setup
    with pytest.raises(InvalidQuery, match="km_from"):
        parse_search_params({"km": ["..5"]}, registry, Places())
    with pytest.raises(InvalidQuery, match="lat,lon"):
        parse_search_params({"km_from": ["somewhere"]}, registry, Places())
    with pytest.raises(InvalidQuery, match="sort"):
        SearchQuery(sort="km")
    assert parse_search_params({}, registry, Places()).filters == ()
    with pytest.raises(ConfigError):
        FilterSpec(
            "x",
            "x",
            FilterKind.CHOICE,
            choices=(),
            dynamic=DynamicColumn("x_from", provider.compute),
        )
    with pytest.raises(ConfigError):
        registry.add(FilterSpec("km_from", "k", FilterKind.RANGE, column=lambda s: s.lat))
    bad = FilterSpec(
        "bad",
        "b",
        FilterKind.RANGE,
        dynamic=DynamicColumn("bad_from", lambda index, arg: np.zeros(2)),
    )
    with pytest.raises(TypeError, match="shape"):
        index.dynamic_column(bad, "1")


def test_format_params_round_trip(setup):
    _, registry, _, _ = setup
    spec = registry["km"]
    value = DynamicValue("51.600,7.100", Range(None, 8.0))
    params = spec.format_params(value)
    assert params == {"km_from": ["51.600,7.100"], "km": ["..8"]}
    assert registry.parse_filters(params)["km"] == value
