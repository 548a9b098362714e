"""Fixtures of the transit plugin tests: platforms with a feed imported (read only)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from databases import Databases
from transit_feeds import DATE, generate_feed, write_feed
from transit_support import CAIRNS, CAIRNS_DATE, TransitWorld, build_world, companies_near


@pytest.fixture(scope="session")
def cairns(databases: Databases) -> Iterator[TransitWorld]:
    """Cairns feed imported, 400 companies around its stops (read only)."""
    url = databases.new("cairns")
    world = build_world(
        url,
        CAIRNS,
        lambda stops: companies_near(stops, 400, seed=5),
        service_date=CAIRNS_DATE,
        departure="07:00",
        departure_window_min=20,
        max_rides=20,
    )
    yield world
    world.platform.db.dispose()
    databases.drop(url)


@pytest.fixture(scope="session")
def generated(
    tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[TransitWorld]:
    """A generated feed (seed 1) with 300 companies (read only)."""
    folder = tmp_path_factory.mktemp("generated")
    feed = write_feed(folder / "feed.zip", generate_feed(1))
    url = databases.new("generated")
    world = build_world(
        url,
        feed,
        lambda stops: companies_near(stops, 300, seed=9),
        service_date=f"{DATE[:4]}-{DATE[4:6]}-{DATE[6:]}",
        max_rides=20,
    )
    yield world
    world.platform.db.dispose()
    databases.drop(url)
