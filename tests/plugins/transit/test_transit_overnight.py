"""Nights, walks and changes: the router equals the reference on the cases that once broke.

* an overnight copy of the real Cairns feed (trips at 24:30-25:40 of the day before, and at
  00:05-00:55), searched with windows at, across and after midnight;
* a walk origin -> stop -> company without any ride is not a journey (the walking limit holds
  for every walk-only journey);
* the change time at the same stop (setting and transfers.txt).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from test_transit_router import check_companies, check_stop_labels, origins, reference_for
from transit_feeds import overnight_copy, write_feed
from transit_reference import ReferenceFeed, Walk, haversine
from transit_support import (
    CAIRNS,
    CAIRNS_DATE,
    TransitWorld,
    build_world,
    companies_near,
    make_transit_platform,
)

from core import Company, Location, Status
from plugins.transit import register_commands
from plugins.transit.service import Origin

DAY = 86_400
#: A Wednesday: the day before is a normal weekday (Monday 2014-06-09 was a public holiday in
#: Queensland, on which the feed runs its Sunday service instead).
NIGHT_DATE = "2014-06-11"
#: Windows at, across and after midnight, and one in the morning, with their step.
WINDOWS = [
    ("00:30", {}),
    ("00:00-00:40", {"departure_step_min": 20}),
    ("23:40-00:40", {"departure_step_min": 30}),
    ("23:59", {"departure_window_min": 0}),
    ("05:10-05:40", {"departure_step_min": 15}),
]


@pytest.fixture(scope="module")
def overnight(tmp_path_factory, new_module_database) -> Iterator[tuple[TransitWorld, set, set]]:
    folder = tmp_path_factory.mktemp("overnight")
    feed, late, early = overnight_copy(CAIRNS, folder / "cairns_overnight.zip")
    world = build_world(
        new_module_database("overnight"),
        feed,
        lambda stops: companies_near(stops, 150, seed=21),
        service_date=NIGHT_DATE,
        max_rides=20,
    )
    yield world, late, early
    world.platform.db.dispose()


def world_with(base: TransitWorld, **settings: Any) -> TransitWorld:
    """The same database (feed and companies) seen with other transit settings."""
    url = base.platform.settings.portal.database_url
    settings = {"service_date": NIGHT_DATE, "max_rides": 20, **settings}
    platform = make_transit_platform(url, **settings)
    return TransitWorld(platform, base.feed, base.companies, base.report)


def test_overnight_copy_has_night_trips(overnight):
    world, late, early = overnight
    assert len(late) > 20 and len(early) > 20
    assert world.report.details["files"]["stop_times.txt"]["rejected"] == 0


@pytest.mark.parametrize("departure, extra", WINDOWS, ids=[w for w, _ in WINDOWS])
def test_night_windows_equal_reference(overnight, departure, extra):
    base, late, early = overnight
    world = world_with(base, departure=departure, **extra)
    try:
        state = world.service.state()
        assert state.timetable is not None
        reference = reference_for(world, dt.date(2014, 6, 11))
        reached = 0
        for origin in origins(world, 3, seed=4):
            for start in world.service.settings.departures:
                reached += check_stop_labels(world, reference, origin, start)
            check_companies(world, reference, origin)
        if departure != "05:10-05:40":
            assert reached > 10  # night trips carried people (not empty answers)
        runner = CliRunner()
        info = runner.invoke(register_commands(platform=world.platform)[0], ["info"])
        assert info.exit_code == 0, info.output
        assert "Router" in info.output
    finally:
        world.platform.db.dispose()


def test_runs_of_three_days_are_used(overnight):
    """00:30: yesterday's trips at 24:30+ run; 23:40-00:40: tomorrow's 00:05+ trips run
    (as 24:05+), and today's own 24:30+ trips."""
    base, late, early = overnight
    with base.platform.session() as session:
        from sqlalchemy import select

        from plugins.transit import tables as t

        names = dict(session.execute(select(t.trips.c.id, t.trips.c.trip_id)).all())
    # a window from midnight keeps yesterday's runs that left before it (negative times)
    world = world_with(base, departure="00:00-00:40")
    try:
        assert world.service.state().timetable.arrival.min() < 0
    finally:
        world.platform.db.dispose()
    for departure, wanted in (("00:30", late), ("23:40-00:40", early | late)):
        world = world_with(base, departure=departure)
        try:
            table = world.service.state().timetable
            used = {names[int(i)] for i in np.unique(table.run_trip[table.run_of])}
            assert used & wanted
            assert used & late
            if departure.startswith("23"):
                assert used & early
        finally:
            world.platform.db.dispose()


def test_a_walk_through_a_stop_is_no_journey(cairns):
    """Origin 600 m west of a stop, company 600 m east of it: on foot through the stop is
    1,200 m (1,560 m walked) and beyond the walking limit; only a ride can connect them."""
    service = cairns.service
    state = service.state()
    i = state.stops.names.index(state.stops.names[10])
    lat, lon = float(state.stops.lat[i]), float(state.stops.lon[i])
    dlon = 600 / (111_320 * np.cos(np.radians(lat)))
    origin = (lat, lon - dlon)
    company = (lat, lon + dlon)
    walk = service.walking
    assert walk.length_m(haversine(*origin, *company)) > walk.max_walk_m
    assert walk.length_m(haversine(*origin, lat, lon)) <= walk.max_walk_m
    walk_only = walk.seconds(haversine(*origin, lat, lon)) + walk.seconds(
        haversine(lat, lon, *company)
    )
    got = service.travel_seconds(
        Origin(*origin, "t"), np.array([company[0]]), np.array([company[1]])
    )
    reference = reference_for(cairns, dt.date(2014, 6, 10))
    expected = reference.travel_seconds(
        origin, [company], service.settings.departures, service.horizon
    )[0]
    assert (None if not np.isfinite(got[0]) else int(got[0])) == expected
    assert expected is None or expected != walk_only
    # before the first bus (03:00) there is no journey at all
    night = world_with(cairns, departure="03:00", service_date=CAIRNS_DATE)
    try:
        got = night.service.travel_seconds(
            Origin(*origin, "t"), np.array([company[0]]), np.array([company[1]])
        )
        assert not np.isfinite(got[0])
    finally:
        night.platform.db.dispose()


def change_feed() -> dict[str, list[list[str]]]:
    """Line A: X 07:00 -> Y 07:10; line B: Y 07:11 -> Z 07:20 and Y 07:31 -> Z 07:40.
    Stops 2 km apart (no walking between them)."""
    lat, lon = 51.60, 7.10
    step = 0.018  # about 2 km
    stops = [["stop_id", "stop_name", "stop_lat", "stop_lon"]]
    for n, name in enumerate("XYZ"):
        stops.append([name, f"Halt {name}", f"{lat + n * step:.6f}", f"{lon:.6f}"])
    times = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]]
    times += [["A1", "07:00:00", "07:00:00", "X", "1"], ["A1", "07:10:00", "07:10:00", "Y", "2"]]
    for trip, a, b in (("B1", "07:11:00", "07:20:00"), ("B2", "07:31:00", "07:40:00")):
        times += [[trip, a, a, "Y", "1"], [trip, b, b, "Z", "2"]]
    return {
        "agency.txt": [
            ["agency_id", "agency_name", "agency_url", "agency_timezone"],
            ["A", "Test", "https://example.org", "Europe/Berlin"],
        ],
        "stops.txt": stops,
        "routes.txt": [
            ["route_id", "route_short_name", "route_type"],
            ["A", "A", "3"],
            ["B", "B", "3"],
        ],
        "trips.txt": [
            ["route_id", "service_id", "trip_id"],
            ["A", "D", "A1"],
            ["B", "D", "B1"],
            ["B", "D", "B2"],
        ],
        "stop_times.txt": times,
        "calendar.txt": [
            [
                "service_id",
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
                "start_date",
                "end_date",
            ],
            ["D", "1", "1", "1", "1", "1", "1", "1", "20260101", "20261231"],
        ],
    }


@pytest.mark.parametrize(
    "minutes, rule, expected_min",
    [
        (0, None, 20),  # 07:00 -> Y 07:10, B1 07:11 -> Z 07:20
        (2, None, 40),  # one minute is too short: B2
        (2, ["Y", "Y", "2", "60"], 20),  # transfers.txt: 60 s suffice at Y
        (0, ["Y", "Y", "3", ""], None),  # no changing at Y at all
    ],
)
def test_change_time_at_the_same_stop(tmp_path, new_database, minutes, rule, expected_min):
    tables = change_feed()
    if rule is not None:
        tables["transfers.txt"] = [
            ["from_stop_id", "to_stop_id", "transfer_type", "min_transfer_time"],
            rule,
        ]
    feed = write_feed(tmp_path / "change.zip", tables)
    x = [float(v) for v in tables["stops.txt"][1][2:4]]
    z = [float(v) for v in tables["stops.txt"][3][2:4]]
    world = build_world(
        new_database("change"),
        feed,
        lambda stops: [
            Company(id=1, name="Am Halt Z", location=Location(*z), status=Status.PUBLISHED)
        ],
        service_date="2026-03-11",
        departure="07:00",
        departure_window_min=0,
        min_transfer_min=minutes,
    )
    try:
        got = world.service.travel_seconds(Origin(*x, "X"), np.array([z[0]]), np.array([z[1]]))
        minutes_got = None if not np.isfinite(got[0]) else got[0] / 60
        assert minutes_got == expected_min
        s = world.service.settings
        reference = ReferenceFeed(
            feed,
            dt.date(2026, 3, 11),
            Walk(s.max_walk_m, s.transfer_walk_m, s.walk_speed_kmh, s.walk_detour, minutes),
        )
        expected = reference.travel_seconds(
            tuple(x), [tuple(z)], s.departures, world.service.horizon
        )
        assert expected == [None if minutes_got is None else int(got[0])]
    finally:
        world.platform.db.dispose()
