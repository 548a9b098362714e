"""Helpers of the housing tests: platforms, generated offers and companies, brute force."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from pathlib import Path
from typing import Any

from core import Company, ImportReport, Location, Platform, Status, load_settings
from core.persistence import companies as company_repo
from plugins.housing.hooks import service_for
from plugins.housing.importer import import_offers

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
EXAMPLES = ROOT / "plugins" / "housing" / "examples"
DATA = HERE / "data"
#: The day the tests pretend it is (the sample offers expire from May 2026 on).
TODAY = dt.date(2026, 3, 1)
TOKEN = "housing-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
#: The Emscher-Lippe region, roughly.
SOUTH, NORTH, WEST, EAST = 51.50, 51.76, 6.92, 7.42
INDUSTRIES = ("C", "F", "G", "H", "M", "Q")
POSTCODES = ("45768", "45770", "45657", "45659", "45879", "46236", "46282", "45699", "45964",
             "45711", "44575", "45721", "45739", "45731")  # fmt: skip
KINDS = ("flat", "house", "shared_flat", "room", "company_housing", "apprentice_housing")
PROVIDERS = ("municipal", "cooperative", "private", "employer")


def settings_for(url: str, *, enabled: bool = True, **housing: Any) -> Any:
    plugins: dict[str, Any] = {"enabled": ["housing"] if enabled else []}
    if housing:
        plugins["housing"] = housing
    return load_settings(
        env={},
        overrides={
            "portal": {"database_url": url, "operator_token": TOKEN},
            "search": {"refresh_interval": 0.0},
            "plugins": plugins,
        },
    )


def make_platform(
    url: str, *, enabled: bool = True, today: dt.date = TODAY, **housing: Any
) -> Platform:
    platform = Platform(settings_for(url, enabled=enabled, **housing))
    platform.upgrade_database()
    if enabled:
        service_for(platform).clock = lambda: today
    return platform


def set_today(platform: Platform, day: dt.date) -> None:
    service_for(platform).clock = lambda: day


def import_file(platform: Platform, path: Path, **kwargs: Any) -> ImportReport:
    return import_bytes(platform, path.read_bytes(), path.name, **kwargs)


def import_bytes(platform: Platform, data: bytes, name: str, **kwargs: Any) -> ImportReport:
    service = service_for(platform)
    kwargs.setdefault("source", Path(name).stem)
    with platform.session(write=True) as session:
        return import_offers(
            session, data, file_name=name, today=service.today(), locate=service.locate, **kwargs
        )


def companies(count: int, seed: int) -> list[Company]:
    """Published companies spread over the region; every fifth offers housing to staff."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        extensions = {}
        if i % 5 == 0:
            extensions = {"housing": {"offers_housing": True, "kinds": ["apprentice_housing"]}}
        elif i % 7 == 0:
            extensions = {"housing": {"offers_housing": False}}
        out.append(
            Company(
                id=i + 1,
                name=f"Testbetrieb {i + 1:04d}",
                location=Location(rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)),
                industry=INDUSTRIES[i % len(INDUSTRIES)],
                employees=rng.randint(1, 400),
                status=Status.PUBLISHED if i % 17 else Status.DRAFT,
                is_demo=True,
                extensions=extensions,
            )
        )
    return out


def add_companies(platform: Platform, items: list[Company]) -> None:
    with platform.session(write=True) as session:
        company_repo.bulk_insert_companies(session, items)
    platform.engine.refresh(force=True)


def generated_csv(count: int, seed: int, today: dt.date = TODAY) -> bytes:
    """Random offers (CSV) with exact coordinates, some expired, some for sale."""
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            "external_id",
            "title",
            "kind",
            "offer_type",
            "rooms",
            "area_m2",
            "cold_rent_eur",
            "warm_rent_eur",
            "price_eur",
            "postcode",
            "street",
            "lat",
            "lon",
            "provider_type",
            "expires_on",
            "available_from",
        ]
    )
    for i in range(count):
        buy = i % 9 == 0
        cold = round(rng.uniform(200, 900), 0)
        warm = "" if i % 11 == 0 else f"{cold + rng.randint(60, 250):.0f}".replace(".", ",")
        expires = today + dt.timedelta(days=rng.randint(-20, 60))
        available = "" if i % 3 else (today + dt.timedelta(days=rng.randint(0, 90))).isoformat()
        writer.writerow([
            f"G-{i}", f"Angebot {i}", KINDS[i % len(KINDS)], "buy" if buy else "rent",
            "" if i % 13 == 0 else rng.choice([1, 1.5, 2, 2.5, 3, 4, 5]),
            "" if i % 17 == 0 else f"{rng.uniform(14, 140):.1f}".replace(".", ","),
            "" if buy else f"{cold:.0f}", "" if buy else warm,
            f"{rng.randint(90, 400) * 1000}" if buy else "",
            POSTCODES[i % len(POSTCODES)], f"Teststraße {i}",
            f"{rng.uniform(SOUTH, NORTH):.6f}", f"{rng.uniform(WEST, EAST):.6f}",
            PROVIDERS[i % len(PROVIDERS)], expires.isoformat(), available,
        ])  # fmt: skip
    return buffer.getvalue().encode()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Plain-Python great-circle distance (independent of core.search.geo)."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def stored_offers(platform: Platform) -> list[dict[str, Any]]:
    """Every stored offer as a plain dict, read with SQL (not through the service)."""
    from sqlalchemy import text

    with platform.db.connect() as connection:
        rows = connection.execute(text("SELECT * FROM housing_offers ORDER BY id")).mappings()
        out = []
        for row in rows:
            item = dict(row)
            for key in ("expires_on", "available_from"):
                if isinstance(item[key], str):
                    item[key] = dt.date.fromisoformat(item[key])
            out.append(item)
        return out


def search_all(platform: Platform, **params: Any) -> tuple[Any, list[Any]]:
    query = {k: v if isinstance(v, list) else [str(v)] for k, v in params.items()}
    query["per_page"] = ["200"]
    first = platform.search(platform.parse_query(query))
    items = list(first.items)
    page = 2
    while len(items) < first.total:
        query["page"] = [str(page)]
        items += platform.search(platform.parse_query(query)).items
        page += 1
    return first, items
