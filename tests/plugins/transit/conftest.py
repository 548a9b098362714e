"""Fixtures of the transit plugin tests: platforms with a feed imported (read only)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from transit_feeds import DATE, generate_feed, write_feed
from transit_support import CAIRNS, CAIRNS_DATE, TransitWorld, build_world, companies_near


@pytest.fixture(scope="session")
def cairns(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TransitWorld]:
    """Cairns feed imported, 400 companies around its stops (read only)."""
    folder = tmp_path_factory.mktemp("cairns")
    world = build_world(
        folder,
        CAIRNS,
        lambda stops: companies_near(stops, 400, seed=5),
        service_date=CAIRNS_DATE,
        departure="07:00",
        departure_window_min=20,
        max_rides=20,
    )
    yield world
    world.platform.db.dispose()


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TransitWorld]:
    """A generated feed (seed 1) with 300 companies (read only)."""
    folder = tmp_path_factory.mktemp("generated")
    feed = write_feed(folder / "feed.zip", generate_feed(1))
    world = build_world(
        folder,
        feed,
        lambda stops: companies_near(stops, 300, seed=9),
        service_date=f"{DATE[:4]}-{DATE[4:6]}-{DATE[6:]}",
        max_rides=20,
    )
    yield world
    world.platform.db.dispose()
