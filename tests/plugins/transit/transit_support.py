"""Helpers of the transit tests: platforms with a feed imported, companies near stops."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core import Company, Location, Platform, Status, load_settings
from core.persistence import companies as repo
from plugins.transit.hooks import service_for
from plugins.transit.importer import import_feed

HERE = Path(__file__).resolve().parent
CAIRNS = HERE / "data" / "cairns_gtfs.zip"
#: A Tuesday on which the Cairns weekday service runs.
CAIRNS_DATE = "2014-06-10"
INDUSTRIES = ("C", "F", "G", "H", "M", "Q")


def make_transit_platform(url: str, **transit: Any) -> Platform:
    settings = load_settings(
        env={},
        overrides={
            "portal": {"database_url": url},
            "search": {"refresh_interval": 0.0},
            "plugins": {"enabled": ["transit"], "transit": transit},
        },
    )
    platform = Platform(settings)
    platform.upgrade_database()
    return platform


def companies_near(
    points: list[tuple[float, float]], count: int, seed: int, spread: float = 0.006
) -> list[Company]:
    """Published companies scattered around ``points`` (some far from any of them)."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        lat, lon = points[rng.randrange(len(points))]
        if i % 10 == 9:
            spread_i = spread * 8
        else:
            spread_i = spread
        out.append(
            Company(
                id=i + 1,
                name=f"Testfirma {i + 1}",
                location=Location(
                    lat + rng.uniform(-spread_i, spread_i), lon + rng.uniform(-spread_i, spread_i)
                ),
                industry=INDUSTRIES[i % len(INDUSTRIES)],
                employees=rng.randint(1, 300),
                status=Status.PUBLISHED,
                is_demo=True,
            )
        )
    return out


def zip_rows(path: Path, name: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as z:
        text = z.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


class TransitWorld:
    """A platform with a feed and companies, and what the tests compare with."""

    def __init__(self, platform: Platform, feed: Path, companies: list[Company], report: Any):
        self.platform = platform
        self.feed = feed
        self.companies = companies
        self.report = report
        self.service = service_for(platform)


def build_world(
    url: str,
    feed: Path,
    companies: Callable[[list[tuple[float, float]]], list[Company]],
    **transit: Any,
) -> TransitWorld:
    platform = make_transit_platform(url, **transit)
    with platform.session(write=True) as session:
        report = import_feed(session, feed)
    stops = [(float(r["stop_lat"]), float(r["stop_lon"])) for r in zip_rows(feed, "stops.txt")]
    chosen = companies(stops)
    with platform.session(write=True) as session:
        repo.bulk_insert_companies(session, chosen)
    platform.engine.refresh(force=True)
    return TransitWorld(platform, feed, chosen, report)
