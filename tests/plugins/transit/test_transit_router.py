"""The router's travel times equal those of a plain Dijkstra over the time-expanded timetable."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from transit_feeds import DATE, generate_feed, write_feed
from transit_reference import ReferenceFeed, Walk

from plugins.transit import timetable as tt
from plugins.transit.raptor import earliest_arrival
from plugins.transit.service import Origin


def reference_for(world, date: dt.date) -> ReferenceFeed:
    s = world.service.settings
    walk = Walk(
        s.max_walk_m, s.transfer_walk_m, s.walk_speed_kmh, s.walk_detour, s.min_transfer_min
    )
    return ReferenceFeed(world.feed, date, walk)


def origins(world, count: int, seed: int) -> list[tuple[float, float]]:
    state = world.service.state()
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        i = rng.randrange(len(state.stops))
        out.append(
            (
                float(state.stops.lat[i]) + rng.uniform(-0.003, 0.003),
                float(state.stops.lon[i]) + rng.uniform(-0.003, 0.003),
            )
        )
    return out


def check_stop_labels(world, reference: ReferenceFeed, origin, departure: int) -> int:
    """Compare earliest arrival per stop for one departure; returns stops reached."""
    service = world.service
    state = service.state()
    _, stops, metres = state.tree.within(
        np.array([origin[0]]), np.array([origin[1]]), service.walking.max_straight_m
    )
    labels = earliest_arrival(
        state.timetable,
        stops,
        service.walking.seconds(metres),
        np.array([departure]),
        max_rides=20,
        horizon=service.horizon,
    )
    board, ridden = reference.labels(origin[0], origin[1], departure, service.horizon)
    got = {
        state.stops.stop_ids[i]: int(labels.arrival[0, i])
        for i in np.flatnonzero(labels.arrival[0] < tt.INF)
    }
    assert got == ridden
    got_board = {
        state.stops.stop_ids[i]: int(labels.board[0, i])
        for i in np.flatnonzero(labels.board[0] < tt.INF)
    }
    assert got_board == board
    return len(got)


def check_companies(world, reference: ReferenceFeed, origin) -> int:
    service = world.service
    points = [(c.location.lat, c.location.lon) for c in world.companies]
    expected = reference.travel_seconds(
        origin, points, service.settings.departures, service.horizon
    )
    got = service.travel_seconds(
        Origin(*origin, "test"), np.array([p[0] for p in points]), np.array([p[1] for p in points])
    )
    got_list = [None if not np.isfinite(g) or g > service.horizon else int(g) for g in got]
    assert got_list == expected
    return sum(g is not None for g in got_list)


def test_cairns_stop_arrivals_equal_reference(cairns):
    reference = reference_for(cairns, dt.date(2014, 6, 10))
    reached = 0
    for origin in origins(cairns, 5, seed=3):
        for departure in (7 * 3600, 7 * 3600 + 17 * 60):
            reached += check_stop_labels(cairns, reference, origin, departure)
    assert reached > 200  # the comparison covered real journeys, not empty answers


def test_cairns_company_travel_times_equal_reference(cairns):
    reference = reference_for(cairns, dt.date(2014, 6, 10))
    reached = sum(check_companies(cairns, reference, o) for o in origins(cairns, 3, seed=8))
    assert reached > 100


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_generated_feeds_equal_reference(tmp_path, new_database, seed):
    from transit_support import build_world, companies_near

    feed = write_feed(tmp_path / "feed.zip", generate_feed(seed))
    world = build_world(
        new_database("transit"),
        feed,
        lambda stops: companies_near(stops, 120, seed=seed),
        service_date="2026-03-11",
        departure="06:50",
        departure_window_min=30,
        departure_step_min=10,
        max_rides=20,
    )
    try:
        reference = reference_for(world, dt.date(2026, 3, 11))
        reached = 0
        for origin in origins(world, 4, seed=seed):
            for departure in (6 * 3600 + 50 * 60, 7 * 3600 + 5 * 60):
                reached += check_stop_labels(world, reference, origin, departure)
            check_companies(world, reference, origin)
        assert reached > 20
    finally:
        world.platform.db.dispose()


def test_generated_feed_uses_overnight_trips_and_exceptions(generated):
    """Yesterday's night line (times past 24:00) runs this morning; the EX service added on
    the day runs; WK2 (removed on the day) does not."""
    state = generated.service.state()
    table = state.timetable
    with generated.platform.session() as session:
        from sqlalchemy import select

        from plugins.transit import tables as t

        names = dict(session.execute(select(t.trips.c.id, t.trips.c.trip_id)).all())
    used = {names[int(i)] for i in np.unique(table.run_trip[table.run_of])}
    assert any(n.startswith("N-") and not n.startswith("N-late") for n in used)
    assert not any(n.startswith("N-late") for n in used)
    assert any(n.startswith("EX-") for n in used)
    wk2_routes = {"R0", "R3", "R6"}
    assert not any(n.split("-")[0] in wk2_routes for n in used)
    assert any(n.startswith("F-template") for n in used)
    # frequency line: 06:00 .. 08:30 every 8 minutes, inside the window
    runs = [r for r in range(table.n_runs) if names[int(table.run_trip[r])] == "F-template"]
    assert len(runs) == len(range(6 * 3600, int(8.5 * 3600), 480))


def test_overtaking_runs_are_split_into_fifo_patterns(generated):
    table = generated.service.state().timetable
    for p in range(table.n_patterns):
        for c in range(table.pattern_cols[p], table.pattern_cols[p + 1]):
            a, n = table.col_start[c], table.col_runs[c]
            assert np.all(np.diff(table.dep_key[a : a + n]) >= 0)
            assert np.all(np.diff(table.arrival[a : a + n]) >= 0)
    assert table.n_patterns > len(set(table.pattern_route.tolist()))


def test_date_is_generated_test_day(generated):
    assert generated.service.state().date == int(DATE)
