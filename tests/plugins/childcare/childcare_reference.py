"""Independent computations for the childcare tests: random Kitas and companies, and the
brute-force answer to "which companies have a Kita of this kind within N km"."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from core import Address, Company, Location, Status
from plugins.childcare.model import AGE_CODES, Kita

#: A box around Marl (Emscher-Lippe), about 14 x 11 km.
SOUTH, NORTH, WEST, EAST = 51.60, 51.70, 7.00, 7.20
EARTH_RADIUS_M = 6_371_008.8


def great_circle_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in metres, written out in plain Python (not core.search.geo's numpy)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def random_kitas(count: int, seed: int, source: str = "test") -> list[Kita]:
    rng = random.Random(seed)
    kitas = []
    for i in range(count):
        ages = tuple(a for a in AGE_CODES if rng.random() < 0.5)
        closes = rng.choice([None, 14 * 60, 16 * 60 + 30, 17 * 60, 17 * 60 + 30, 18 * 60, 19 * 60])
        kitas.append(
            Kita(
                source=source,
                source_id=f"k{seed}-{i}",
                name=f"Kita {seed}-{i}",
                lat=rng.uniform(SOUTH, NORTH),
                lon=rng.uniform(WEST, EAST),
                age_groups=ages,
                opens=None if closes is None else 7 * 60,
                closes=closes,
                opening_hours=""
                if closes is None
                else f"07:00-{closes // 60:02d}:{closes % 60:02d}",
            )
        )
    return kitas


def random_companies(count: int, seed: int, first_id: int = 1) -> list[Company]:
    rng = random.Random(seed)
    companies = []
    for i in range(count):
        offers = {
            code: True
            for code in (
                "company_kita",
                "reserved_places",
                "allowance",
                "holiday_care",
                "emergency_care",
            )
            if rng.random() < 0.15
        }
        companies.append(
            Company(
                id=first_id + i,
                name=f"Firma {seed}-{i}",
                address=Address(street="Teststraße 1", postcode="45768", town="Marl"),
                location=Location(
                    rng.uniform(SOUTH - 0.02, NORTH + 0.02), rng.uniform(WEST - 0.03, EAST + 0.03)
                ),
                industry="C",
                employees=rng.randint(1, 300),
                family=("childcare_support",) if rng.random() < 0.1 else (),
                status=Status.PUBLISHED,
                extensions={"childcare": offers} if offers else {},
            )
        )
    return companies


def serves(kita: Kita, age: str | None, closes: int | None) -> bool:
    if age is not None and age not in kita.age_groups:
        return False
    return closes is None or (kita.closes is not None and kita.closes >= closes)


def nearest_km(
    company: Company, kitas: Sequence[Kita], age: str | None = None, closes: int | None = None
) -> float:
    """km from the company to its nearest Kita of the class; inf when there is none."""
    assert company.location is not None
    best = math.inf
    for kita in kitas:
        if serves(kita, age, closes):
            best = min(
                best,
                great_circle_m(company.location.lat, company.location.lon, kita.lat, kita.lon),
            )
    return best / 1000.0


def within(
    companies: Sequence[Company],
    kitas: Sequence[Kita],
    km: float,
    age: str | None = None,
    closes: int | None = None,
) -> set[int]:
    """Ids of the companies whose nearest Kita of the class lies within ``km``."""
    return {c.id for c in companies if c.id is not None and nearest_km(c, kitas, age, closes) <= km}
