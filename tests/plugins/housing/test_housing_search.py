"""The offer list and the company filters against brute force over the stored rows."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import pytest
from housing_support import TODAY, haversine_km, search_all, set_today, stored_offers

from core import InvalidQuery
from plugins.housing.hooks import service_for


def _active(offers, today=TODAY):
    return [o for o in offers if o["expires_on"] >= today]


def _in(value, low, high):
    return value is not None and (low is None or value >= low) and (high is None or value <= high)


def list_all(service, params):
    """Every hit of the offer list (all pages) as (id, distance_m)."""
    params = {k: v if isinstance(v, list) else [str(v)] for k, v in params.items()}
    params["per_page"] = ["200"]
    first = service.search(service.parse_list(params))
    ids, distances = list(first.ids), list(first.distances_m)
    page = 2
    while len(ids) < first.total:
        params["page"] = [str(page)]
        more = service.search(service.parse_list(params))
        ids += more.ids
        distances += more.distances_m
        page += 1
    return first, ids, distances


CASES = [
    ({"rent": "..600"}, lambda o: _in(o["warm_rent"], None, 600)),
    ({"rent": "400..700", "rooms": "2"}, lambda o: _in(o["warm_rent"], 400, 700)
     and _in(o["rooms"], 2, None)),
    ({"area": "50..", "kind": ["flat", "house"]}, lambda o: _in(o["area_m2"], 50, None)
     and o["kind"] in ("flat", "house")),
    ({"cold_rent": "..450", "provider": "municipal"}, lambda o: _in(o["cold_rent"], None, 450)
     and o["provider_type"] == "municipal"),
    ({"offer_type": "buy", "price": "..250000"}, lambda o: o["offer_type"] == "buy"
     and _in(o["price"], None, 250000)),
    ({"kind": "apprentice_housing", "available_by": "2026-04-15"},
     lambda o: o["kind"] == "apprentice_housing"
     and (o["available_from"] is None or o["available_from"] <= dt.date(2026, 4, 15))),
    ({"bbox": "7.0,51.55,7.2,51.7", "rooms": "..2"}, lambda o: 7.0 <= o["lon"] <= 7.2
     and 51.55 <= o["lat"] <= 51.7 and _in(o["rooms"], None, 2)),
]  # fmt: skip


@pytest.mark.parametrize(("params", "wanted"), CASES)
def test_list_filters_and_facets_equal_brute_force(world, params, wanted):
    service = service_for(world.platform)
    offers = _active(stored_offers(world.platform))
    result, ids, _ = list_all(service, params)
    expected = {o["id"] for o in offers if wanted(o)}
    assert set(ids) == expected and len(ids) == len(expected) == result.total
    assert expected, "the case should find something"
    # facets count each value with all *other* filters applied
    for facet, column in (("kind", "kind"), ("provider", "provider_type"),
                          ("offer_type", "offer_type")):  # fmt: skip
        others = {k: v for k, v in params.items() if k != facet}
        _, other_ids, _ = list_all(service, others)
        counts = Counter(o[column] for o in offers if o["id"] in set(other_ids))
        assert {f["value"]: f["count"] for f in result.facets[facet]} == {
            f["value"]: counts.get(f["value"], 0) for f in result.facets[facet]
        }


def test_sort_by_rent_and_distance_to_a_company(world):
    service = service_for(world.platform)
    offers = {o["id"]: o for o in _active(stored_offers(world.platform))}
    _, ids, _ = list_all(service, {"sort": "rent"})
    rents = [offers[i]["warm_rent"] for i in ids]
    known = [r for r in rents if r is not None]
    assert known == sorted(known) and rents[: len(known)] == known  # unknown last
    _, ids, _ = list_all(service, {"sort": "-rent", "rent": "300.."})
    rents = [offers[i]["warm_rent"] for i in ids]
    assert rents == sorted(rents, reverse=True)
    company = next(c for c in world.companies if c.status.value == "published")
    result, ids, distances = list_all(
        service, {"company": company.slug, "radius_km": 8, "sort": "distance"}
    )
    lat, lon = company.location.lat, company.location.lon
    expected = sorted(
        (haversine_km(lat, lon, o["lat"], o["lon"]), i)
        for i, o in offers.items()
        if haversine_km(lat, lon, o["lat"], o["lon"]) <= 8
    )
    assert ids == [i for _, i in expected]
    assert [d / 1000 for d in distances] == pytest.approx([d for d, _ in expected], abs=1e-3)
    by_id, _, _ = list_all(service, {"company": str(company.id), "radius_km": 8})
    assert by_id.total == result.total


@pytest.mark.parametrize(
    "params",
    [{"rent": "viel"}, {"sort": "distance"}, {"radius_km": "5"}, {"company": "gibt-es-nicht"},
     {"kind": "schloss"}, {"near": "1,2,3"}, {"per_page": "0"}],
)  # fmt: skip
def test_list_rejects_bad_parameters(world, params):
    service = service_for(world.platform)
    with pytest.raises(InvalidQuery):
        service.parse_list({k: [v] for k, v in params.items()})


def expected_km(world, cap, today=TODAY):
    offers = [o for o in _active(stored_offers(world.platform), today)
              if o["offer_type"] == "rent" and o["warm_rent"] is not None
              and o["warm_rent"] <= cap]  # fmt: skip
    out = {}
    for company in world.companies:
        if company.status.value != "published":
            continue
        lat, lon = company.location.lat, company.location.lon
        out[company.id] = min(
            (haversine_km(lat, lon, o["lat"], o["lon"]) for o in offers), default=math.nan
        )
    return out


@pytest.mark.parametrize(("cap", "km"), [(400, 3), (600, 2), (900, 1.5)])
def test_company_filter_equals_brute_force(world, cap, km):
    platform = world.platform
    expected = expected_km(world, cap)
    result, items = search_all(platform, housing_rent=cap, housing_km=f"..{km}")
    wanted = {i for i, d in expected.items() if d <= km}
    assert {h.id for h in items} == wanted and result.total == len(wanted)
    assert 0 < len(wanted) < len(expected)
    for hit in items:
        assert hit.dynamic_values["housing_km"] == pytest.approx(expected[hit.id], abs=1e-6)
    # combined with a core filter and its facet counts
    result, items = search_all(platform, housing_rent=cap, housing_km=f"..{km}", industry="C")
    industry = {c.id: c.industry for c in world.companies}
    assert {h.id for h in items} == {i for i in wanted if industry[i] == "C"}
    facet = {f.value: f.count for f in result.facets["industry"]}
    counts = Counter(industry[i] for i in wanted)
    assert all(facet[k] == counts.get(k, 0) for k in facet)


def test_company_filter_sorts_and_follows_the_clock(world):
    platform = world.platform
    first = platform.search(platform.parse_query(
        {"housing_rent": ["700"], "sort": ["housing_km"], "per_page": ["50"]}
    ))  # fmt: skip
    values = [h.dynamic_values["housing_km"] for h in first.items]
    assert values == sorted(values)
    later = TODAY + dt.timedelta(days=30)
    try:
        set_today(platform, later)
        expected = expected_km(world, 700, later)
        _, items = search_all(platform, housing_rent=700, housing_km="..2")
        assert {h.id for h in items} == {i for i, d in expected.items() if d <= 2}
        assert expected != expected_km(world, 700)  # offers did expire in between
    finally:
        set_today(platform, TODAY)


def test_staff_housing_filter(world):
    result, items = search_all(world.platform, housing_staff="true")
    expected = {
        c.id
        for c in world.companies
        if c.status.value == "published"
        and (c.extensions.get("housing") or {}).get("offers_housing")
    }
    assert {h.id for h in items} == expected and expected
    facet = world.platform.search(world.platform.parse_query({})).facets["housing_staff"]
    assert facet[0].count == len(expected)


def test_bad_rent_cap(world):
    with pytest.raises(InvalidQuery, match="housing_rent"):
        world.platform.parse_query({"housing_rent": ["billig"]})
