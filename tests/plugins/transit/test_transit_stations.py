"""Railway stations come from the region's data, never from a list built in for one region.

The shipped DB station list is read here independently (gzip + json) and filtered by the
region's bounds; the feed's rail stations are worked out from the zip with the csv module.
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import numpy as np
import pytest
from transit_feeds import derive_feed, generate_feed, write_feed
from transit_reference import haversine
from transit_support import CAIRNS, build_world, companies_near, make_transit_platform, zip_rows

from core import load_settings
from core.region import load_region
from plugins.transit.hooks import service_for
from plugins.transit.importer import import_feed
from plugins.transit.profile import company_connection

PACKAGED = (
    Path(__file__).resolve().parents[3] / "plugins/transit/data/db_stations_germany.ndjson.gz"
)
REGIONS = Path(__file__).resolve().parents[3] / "core/regions"
MARGIN_KM = 10.0


def db_list() -> list[dict]:
    with gzip.open(PACKAGED, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def expected_names(south: float, west: float, north: float, east: float) -> set[str]:
    dlat = MARGIN_KM / 111.2
    dlon = MARGIN_KM / (111.2 * math.cos(math.radians((south + north) / 2)))
    return {
        s["name"]
        for s in db_list()
        if south - dlat <= s["location"]["latitude"] <= north + dlat
        and west - dlon <= s["location"]["longitude"] <= east + dlon
    }


def layer_names(platform) -> set[str]:
    return {
        f["properties"]["name"] for f in platform.layers["transit_stations"].features(None, "de")
    }


def test_the_shipped_list_is_all_of_germany():
    rows = db_list()
    assert len(rows) == 5388
    lats = [r["location"]["latitude"] for r in rows]
    assert 47.2 < min(lats) and max(lats) < 55.1  # Germany, north to south


def test_emscher_lippe_gets_its_stations(new_database):
    platform = make_transit_platform(new_database("db"))
    names = layer_names(platform)
    assert names == expected_names(51.45, 6.85, 51.82, 7.46)
    assert {"Marl Mitte", "Haltern am See", "Bottrop Hbf", "Dorsten"} <= names
    assert "Münster (Westf) Hbf" not in names and "Bielefeld Hbf" not in names


def test_another_region_gets_its_own_stations(new_database):
    settings = load_settings(
        env={},
        overrides={
            "portal": {"database_url": new_database("db")},
            "region": {"file": str(REGIONS / "muenster_bielefeld.toml")},
            "plugins": {"enabled": ["transit"]},
        },
    )
    from core import Platform

    platform = Platform(settings)
    region = load_region(REGIONS / "muenster_bielefeld.toml")
    b = region.bounds
    names = layer_names(platform)
    assert names == expected_names(b.south, b.west, b.north, b.east)
    assert {"Münster (Westf) Hbf", "Bielefeld Hbf"} <= names
    assert "Marl Mitte" not in names and "Gelsenkirchen Hbf" not in names
    # a company in Münster: its nearest station is a few km away, not in the Ruhr
    service = service_for(platform)
    info = company_connection(service, 51.9607, 7.6261)  # Münster, Prinzipalmarkt
    assert info["station"]["name"] == "Münster (Westf) Hbf"
    assert info["station"]["distance_m"] < 2000
    assert "Deutsche Bahn" in info["station"]["attribution"]


def rail_stations_of(feed: Path) -> set[str]:
    """Names of the stations of the feed's rail stops (platforms folded into parents)."""
    rail_routes = {
        r["route_id"]
        for r in zip_rows(feed, "routes.txt")
        if int(r["route_type"]) == 2 or 100 <= int(r["route_type"]) < 200
    }
    rail_trips = {r["trip_id"] for r in zip_rows(feed, "trips.txt") if r["route_id"] in rail_routes}
    served = {r["stop_id"] for r in zip_rows(feed, "stop_times.txt") if r["trip_id"] in rail_trips}
    stops = {r["stop_id"]: r for r in zip_rows(feed, "stops.txt")}
    parents = {s: stops[s].get("parent_station") or s for s in served}
    return {stops[p]["stop_name"] for p in parents.values()}


def test_stations_from_the_feeds_rail_routes(tmp_path, new_database):
    feed = write_feed(tmp_path / "feed.zip", generate_feed(1))
    world = build_world(
        new_database("db"),
        feed,
        lambda stops: companies_near(stops, 20, seed=1),
        service_date="2026-03-11",
        stations="gtfs",
    )
    try:
        names = layer_names(world.platform)
        assert names == rail_stations_of(feed)
        assert "Bahnhof Mitte" in names  # platform P1 of the rail line, shown as its station
        assert not any("Gleis" in n for n in names)
        assert world.platform.layers["transit_stations"].attribution == ""
    finally:
        world.platform.db.dispose()


def cairns_region(folder: Path) -> Path:
    path = folder / "cairns.toml"
    path.write_text(
        'name = "Cairns"\nslug = "cairns"\ncenter = [-16.92, 145.77]\nzoom = 11\n'
        "bounds = [-17.10, 145.66, -16.74, 145.80]\n\n"
        '[[towns]]\nname = "Cairns"\nags = "00000001"\ncenter = [-16.92, 145.77]\n',
        encoding="utf-8",
    )
    return path


def test_outside_germany_auto_takes_the_feeds_rail_stops(tmp_path, new_database):
    """Cairns as the configured region, its route 110 marked as a railway in a copy of the
    real feed: the DB list has no station there, so the feed's rail stops are the stations,
    and a company's nearest station is near (in the old version: 14,000 km away)."""
    routes = zip_rows(CAIRNS, "routes.txt")
    text = "route_id,route_short_name,route_long_name,route_type\n" + "".join(
        f'{r["route_id"]},{r["route_short_name"]},"{r["route_long_name"]}",'
        f"{2 if r['route_short_name'] == '110' else r['route_type']}\n"
        for r in routes
    )
    feed = derive_feed(CAIRNS, tmp_path / "cairns_rail.zip", {"routes.txt": text.encode()})
    settings = load_settings(
        env={},
        overrides={
            "portal": {"database_url": new_database("db")},
            "region": {"file": str(cairns_region(tmp_path))},
            "search": {"refresh_interval": 0.0},
            "plugins": {"enabled": ["transit"], "transit": {"service_date": "2014-06-10"}},
        },
    )
    from core import Platform

    platform = Platform(settings)
    platform.upgrade_database()
    try:
        with platform.session(write=True) as session:
            import_feed(session, feed, region=platform.region)  # in region: no flag needed
        service = service_for(platform)
        found, _ = service.stations()
        assert found.source == "gtfs"
        assert {s.name for s in found.stations} == rail_stations_of(feed)
        stop = zip_rows(feed, "stops.txt")[0]
        lat, lon = float(stop["stop_lat"]), float(stop["stop_lon"])
        info = company_connection(service, lat, lon)
        nearest = min(haversine(lat, lon, s.lat, s.lon) for s in found.stations)
        assert info["station"]["distance_m"] == pytest.approx(nearest, abs=1)
        assert nearest < 30_000
    finally:
        platform.db.dispose()


def test_a_station_file_in_db_format(tmp_path, new_database):
    """An operator's own list (NDJSON of the DB format, or CSV), filtered to the region."""
    rows = [r for r in db_list() if r["address"].get("city") in ("Marl", "Dorsten", "Hamburg")]
    ndjson = tmp_path / "stations.ndjson"
    ndjson.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    csv_file = tmp_path / "stations.csv"
    csv_file.write_text(
        "eva_id,name,lat,lon,city\n"
        + "".join(
            f"{r['id']},{r['name']},{r['location']['latitude']},{r['location']['longitude']},"
            f"{r['address']['city']}\n"
            for r in rows
        ),
        encoding="utf-8",
    )
    wanted = {r["name"] for r in rows if r["address"]["city"] != "Hamburg"}
    for path in (ndjson, csv_file):
        platform = make_transit_platform(new_database(path.suffix), stations=str(path))
        assert layer_names(platform) == wanted
        platform.db.dispose()


def test_a_bad_station_setting_stops_the_start(tmp_path, new_database):
    from core import PluginError

    with pytest.raises(PluginError, match="stations: .*cannot be read"):
        make_transit_platform(new_database("db"), stations=str(tmp_path / "missing.ndjson"))
    bad = tmp_path / "bad.csv"
    bad.write_text("id;name\n1;A\n", encoding="utf-8")
    with pytest.raises(PluginError, match="stations: .*lacks the column"):
        make_transit_platform(new_database("db"), stations=str(bad))


def test_parent_stations_are_one_nearby_stop(tmp_path, new_database):
    """Bahnhof Mitte (station node ST with platforms P1, P2 40 m apart) is listed once, under
    its name, with the lines and departures of both platforms; no entry with 0 departures."""
    tables = generate_feed(1)
    feed = write_feed(tmp_path / "feed.zip", tables)
    world = build_world(
        new_database("db"),
        feed,
        lambda stops: companies_near(stops, 10, seed=1),
        service_date="2026-03-11",
    )
    try:
        service = world.service
        centre = [r for r in tables["stops.txt"] if r[0] == "ST"][0]
        lat, lon = float(centre[2]), float(centre[3])
        info = company_connection(service, lat, lon)
        names = [s["name"] for s in info["stops"]]
        assert names.count("Bahnhof Mitte") == 1
        assert not any("Gleis" in n for n in names)
        station = info["stops"][names.index("Bahnhof Mitte")]
        state = service.state()
        platforms = [state.stops.stop_ids.index(p) for p in ("P1", "P2")]
        assert station["departures_per_hour"] == pytest.approx(
            round(float(np.sum(state.stop_per_hour[platforms])), 1)
        )
        assert station["departures_per_hour"] > 0
        routes = service.stop_routes(state)
        expected_lines = {state.route_names[r][0] for p in platforms for r in routes[p]}
        assert {x["name"] for x in station["lines"]} == expected_lines
        # on the map, the station node shows the lines and departures of its platforms too
        layer = world.platform.layers["transit_stops"].features(None, "de")
        node = next(f["properties"] for f in layer if f["properties"]["stop_id"] == "ST")
        assert node["station"] is True
        assert node["departures_per_hour"] == station["departures_per_hour"]
        assert set(node["lines"]) == expected_lines
    finally:
        world.platform.db.dispose()
