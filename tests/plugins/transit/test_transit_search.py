"""Transit filters in the search: travel time, stop distance, departures per hour."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict

import pytest
from transit_reference import ReferenceFeed, Walk, haversine, read_table

from core import InvalidQuery

ORIGIN = "-16.92,145.77"  # central Cairns


@pytest.fixture(scope="module")
def reference(cairns) -> ReferenceFeed:
    s = cairns.service.settings
    return ReferenceFeed(
        cairns.feed,
        dt.date(2014, 6, 10),
        Walk(s.max_walk_m, s.transfer_walk_m, s.walk_speed_kmh, s.walk_detour, s.min_transfer_min),
    )


@pytest.fixture(scope="module")
def expected_minutes(cairns, reference) -> dict[int, float]:
    service = cairns.service
    lat, lon = map(float, ORIGIN.split(","))
    points = [(c.location.lat, c.location.lon) for c in cairns.companies]
    seconds = reference.travel_seconds(
        (lat, lon), points, service.settings.departures, service.horizon
    )
    return {c.id: s / 60 for c, s in zip(cairns.companies, seconds, strict=True) if s is not None}


def search_all(platform, **params):
    query = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    query.setdefault("per_page", ["200"])
    first = platform.search(platform.parse_query(query))
    items = list(first.items)
    page = 2
    while len(items) < first.total:
        query["page"] = [str(page)]
        items += platform.search(platform.parse_query(query)).items
        page += 1
    return first, items


def test_travel_time_filter_equals_reference(cairns, expected_minutes):
    result, items = search_all(cairns.platform, transit_from=ORIGIN, transit_time="..30")
    wanted = {i for i, m in expected_minutes.items() if m <= 30}
    assert {h.id for h in items} == wanted
    assert 20 < len(wanted) < len(cairns.companies)
    for hit in items:
        assert hit.dynamic_values["transit_time"] == pytest.approx(expected_minutes[hit.id])


@pytest.mark.parametrize("industry", ["C", "G", "Q"])
def test_travel_time_and_industry_give_the_intersection(cairns, expected_minutes, industry):
    industry_of = {c.id: c.industry for c in cairns.companies}
    result, items = search_all(
        cairns.platform, transit_from=ORIGIN, transit_time="..25", industry=industry
    )
    reachable = {i for i, m in expected_minutes.items() if m <= 25}
    in_industry = {i for i, v in industry_of.items() if v == industry}
    assert {h.id for h in items} == reachable & in_industry
    assert result.total == len(reachable & in_industry)
    # facet counts: the industry facet counts every industry among the reachable companies
    counts = Counter(industry_of[i] for i in reachable)
    facet = {f.value: f.count for f in result.facets["industry"]}
    assert all(facet[k] == counts.get(k, 0) for k in facet)


def test_sort_by_travel_time(cairns, expected_minutes):
    result = cairns.platform.search(
        cairns.platform.parse_query(
            {
                "transit_from": [ORIGIN],
                "transit_time": ["..60"],
                "sort": ["transit_time"],
                "per_page": ["25"],
            }
        )
    )
    minutes = [h.dynamic_values["transit_time"] for h in result.items]
    assert minutes == sorted(minutes)
    assert minutes[0] == pytest.approx(min(expected_minutes.values()))


def test_origin_without_bounds_shows_reachable_companies(cairns, expected_minutes):
    result, items = search_all(cairns.platform, transit_from=ORIGIN)
    assert {h.id for h in items} == set(expected_minutes)


def test_cached_answer_reuses_column(cairns):
    platform = cairns.platform
    index = platform.engine.index
    spec = platform.filters["transit_time"]
    routes_before = cairns.service.stats["routes"]
    query = platform.parse_query({"transit_from": ["-16.93,145.75"], "transit_time": ["..40"]})
    argument = query.filter_values["transit_time"].argument
    column = index.dynamic_column(spec, argument)
    assert index.dynamic_column(spec, argument) is column
    platform.search(query)
    assert cairns.service.stats["routes"] == routes_before + 1
    # spellings of the same place share the cache entry
    same = platform.parse_query({"transit_from": [" -16.930000 , 145.750000 "]})
    assert same.filter_values["transit_time"].argument == argument == "-16.93000,145.75000"


@pytest.mark.parametrize(
    "params",
    [
        {"transit_time": ["..30"]},
        {"transit_from": ["Atlantis"]},
        {"transit_from": ["stop:nope"]},
        {"transit_from": [ORIGIN], "transit_time": ["abc"]},
        {"sort": ["transit_time"]},
    ],
)
def test_bad_travel_queries_are_rejected(cairns, params):
    with pytest.raises(InvalidQuery):
        cairns.platform.parse_query(params)


def test_origins_by_stop_id_and_name(cairns):
    service = cairns.service
    stop = read_table(cairns.feed, "stops.txt")[0]
    by_id = service.resolve_origin(f"stop:{stop['stop_id']}")
    by_name = service.resolve_origin(stop["stop_name"])
    assert (by_id.lat, by_id.lon) == (float(stop["stop_lat"]), float(stop["stop_lon"]))
    assert by_name.key == by_id.key
    # places in the region resolve too (no Cairns company is reachable from there)
    assert service.resolve_origin("45768").lat > 51
    assert service.resolve_origin("Marl").lat > 51


def test_stop_distance_filter(cairns):
    stops = [
        (float(r["stop_lat"]), float(r["stop_lon"])) for r in read_table(cairns.feed, "stops.txt")
    ]
    nearest = {
        c.id: min(haversine(c.location.lat, c.location.lon, a, b) for a, b in stops)
        for c in cairns.companies
    }
    _, items = search_all(cairns.platform, transit_stop_m="..250")
    assert {h.id for h in items} == {i for i, d in nearest.items() if round(d, 1) <= 250}


def test_departures_filter(cairns, reference):
    """Departures per hour 06:00-09:00 at the best station within walking distance."""
    rows = read_table(cairns.feed, "stops.txt")
    station = {r["stop_id"]: (r.get("parent_station") or r["stop_id"]) for r in rows}
    per_station = defaultdict(int)
    for run in reference.runs:
        for stop, _, dep, pickup, _ in run[:-1]:
            if pickup and 6 * 3600 <= dep < 9 * 3600:
                per_station[station[stop]] += 1
    walk = reference.walk
    expected = {}
    for c in cairns.companies:
        best = 0.0
        for stop, (a, b) in reference.stops.items():
            if walk.length(haversine(c.location.lat, c.location.lon, a, b)) <= walk.max_walk_m:
                best = max(best, per_station[station[stop]] / 3)
        expected[c.id] = round(best, 1)
    _, items = search_all(cairns.platform, transit_departures="8")
    assert {h.id for h in items} == {i for i, v in expected.items() if v >= 8}
    assert 0 < len(items) < len(cairns.companies)
    index = cairns.platform.engine.index
    column = index.columns["transit_departures"]
    for c in cairns.companies:
        assert math.isclose(column[index.row_of[c.id]], expected[c.id], abs_tol=0.051)
