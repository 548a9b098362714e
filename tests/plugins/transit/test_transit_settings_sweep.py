"""No transit setting within its documented limits makes a transit endpoint fail.

The real web app serves the overnight copy of the Cairns feed under settings at the edges of
every limit (departure windows at, across and after midnight, shortest and longest walks,
travel times, rides, change times, a service date without service); every transit endpoint
and the search with the transit filters must answer 200 (or a 4xx for a bad request), never
5xx. The API documents the limits it validates, and its errors name the parameters sent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from transit_feeds import overnight_copy
from transit_support import CAIRNS, companies_near, zip_rows

from core import load_settings
from core.persistence import companies as repo
from plugins.transit.importer import import_feed
from plugins.transit.settings import TransitSettings

ORIGIN = "-16.92,145.77"

SWEEP: list[dict[str, Any]] = [
    {},
    {"departure": "00:00"},
    {"departure": "00:30"},
    {"departure": "23:59", "departure_window_min": 120, "departure_step_min": 1},
    {"departure": "23:30-00:30", "departure_step_min": 60},
    {"departure": "05:10-05:28"},
    {"departure": "12:00-14:00", "departure_step_min": 7},
    {"max_travel_min": 5, "max_rides": 1, "max_walk_m": 50, "transfer_walk_m": 0},
    {"max_travel_min": 240, "max_rides": 20, "max_walk_m": 3000, "transfer_walk_m": 1500},
    {"min_transfer_min": 0, "walk_speed_kmh": 1, "walk_detour": 3.0},
    {"min_transfer_min": 30, "walk_speed_kmh": 20, "walk_detour": 1.0},
    {"service_date": "2030-01-01"},  # outside the feed: no service at all
    {"service_date": "2014-06-09"},  # a public holiday: Sunday service
    {"morning_from": "00:00", "morning_to": "23:59", "nearest_stops": 20, "cache_size": 1},
]


def test_the_sweep_stays_within_the_declared_limits():
    for settings in SWEEP:
        assert TransitSettings(**settings).problems() == [], settings


@pytest.fixture(scope="module")
def database(tmp_path_factory, new_module_database) -> Iterator[str]:
    """The overnight Cairns copy and 80 companies around its stops."""
    from transit_support import make_transit_platform

    folder = tmp_path_factory.mktemp("sweep")
    feed, _, _ = overnight_copy(CAIRNS, folder / "overnight.zip")
    url = new_module_database("sweep")
    platform = make_transit_platform(url)
    with platform.session(write=True) as session:
        import_feed(session, feed)
    stops = [(float(r["stop_lat"]), float(r["stop_lon"])) for r in zip_rows(feed, "stops.txt")]
    with platform.session(write=True) as session:
        repo.bulk_insert_companies(session, companies_near(stops, 80, seed=2))
    platform.db.dispose()
    yield url


def make_client(url: str, transit: dict[str, Any]):
    from webapp.app import create_app

    config = {
        "portal": {"database_url": url, "secret_key": "sweep-test-secret"},
        "search": {"refresh_interval": 0.0},
        "limits": {"enabled": False},
        "plugins": {"enabled": ["transit"], "transit": transit},
    }
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    try:
        app = create_app(platform=_platform(config))
    finally:
        os.environ.update(saved)
    app.config["TESTING"] = True
    return app


def _platform(config: dict[str, Any]):
    from core import Platform

    return Platform(load_settings(env={}, overrides=config))


@pytest.mark.parametrize("transit", SWEEP, ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()))
def test_no_transit_endpoint_fails_for_any_valid_setting(database, transit):
    app = make_client(database, transit)
    platform = app.extensions["regiokarte"]
    limit = TransitSettings(**transit).max_travel_min
    try:
        client = app.test_client()
        company = client.get("/api/v1/companies?per_page=1").get_json()["items"][0]["id"]
        urls = [
            "/api/v1/transit/stops?bbox=145.74,-16.95,145.78,-16.90",
            "/api/v1/transit/stops",
            f"/api/v1/transit/companies/{company}?lang=en",
            f"/api/v1/transit/travel-times?from={ORIGIN}&max_minutes={limit}",
            "/api/v1/transit/travel-times?from=stop:750000&max_minutes=1",
            "/api/v1/transit/feed",
            "/api/v1/transit/questionnaire",
            f"/api/v1/search?transit_from={ORIGIN}&transit_time=..{limit}&sort=transit_time",
            f"/api/v1/search?transit_from={ORIGIN}&transit_time={limit}&industry=C",
            "/api/v1/search?transit_stop_m=..400&transit_departures=1",
            "/api/v1/layers/transit_stops?bbox=145.74,-16.95,145.78,-16.90",
            "/api/v1/layers/transit_stations",
            "/api/v1/filters",
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (
                url,
                response.status_code,
                response.get_data(as_text=True)[:500],
            )
        # the API validates what it documents and names what the caller sent
        too_long = client.get(f"/api/v1/transit/travel-times?from={ORIGIN}&max_minutes={limit + 1}")
        assert too_long.status_code == 422
        body = too_long.get_data(as_text=True)
        assert "max_minutes" in body and "transit_time" not in body
        unknown = client.get("/api/v1/transit/travel-times?from=Atlantis")
        assert unknown.status_code == 422
        body = unknown.get_data(as_text=True)
        assert "from=" in body and "transit_from" not in body
        spec = client.get("/api/openapi.json").get_json()
        parameters = spec["paths"]["/api/v1/transit/travel-times"]["get"]["parameters"]
        documented = next(p for p in parameters if p["name"] == "max_minutes")["schema"]
        assert (documented["minimum"], documented["maximum"]) == (1, limit)
    finally:
        platform.db.dispose()
