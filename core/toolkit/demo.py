"""Demo data of plugins: real places of the region for fictitious records, drawn reproducibly."""

from __future__ import annotations

import random

from attrs import frozen

from core.io.company_types import company_type_of
from core.model import Company
from core.region import Region
from core.search.geocoding import postcode_centroids

__all__ = ["DEMO_SOURCE", "DemoPlace", "demo_apprenticeships", "demo_places"]

#: The ``source`` that marks a plugin's demo records (so a second run finds and keeps them).
DEMO_SOURCE = "demo"

_STREETS = (
    "Hauptstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenstraße",
    "Kirchstraße",
    "Am Markt",
    "Lindenallee",
    "Zechenstraße",
    "Parkweg",
    "Mühlenweg",
)


@frozen
class DemoPlace:
    """A fictitious address at a real postcode of the region (near its centroid)."""

    street: str
    postcode: str
    town: str
    ags: str
    lat: float
    lon: float


def demo_places(region: Region, count: int, seed: int, salt: str = "") -> list[DemoPlace]:
    """``count`` fictitious addresses spread over the region's towns by population.

    Each lies a few hundred metres from the centroid of one of its town's real postcodes;
    the street and house number are made up. The same region, count, seed and ``salt`` (a
    plugin passes its name, so that Kitas and homes do not share addresses) give the same
    places.
    """
    from core.io.demo import TOWN_WEIGHT  # the population weights of the demo companies

    rng = random.Random(f"{seed}:{salt}:places")
    centroids = postcode_centroids()
    towns = list(region.towns)
    weights = [TOWN_WEIGHT.get(t.ags, 50) for t in towns]
    places = []
    for town in rng.choices(towns, weights=weights, k=count):
        postcodes = [p for p in town.postcodes if p in centroids]
        postcode = rng.choice(postcodes) if postcodes else ""
        base = centroids[postcode] if postcode else town.center
        places.append(
            DemoPlace(
                street=f"{rng.choice(_STREETS)} {rng.randint(1, 120)}",
                postcode=postcode,
                town=town.name,
                ags=town.ags,
                lat=round(base.lat + rng.gauss(0, 0.004), 6),
                lon=round(base.lon + rng.gauss(0, 0.006), 6),
            )
        )
    return places


def demo_apprenticeships(company: Company) -> tuple[tuple[str, str], ...]:
    """The Ausbildung occupations (title, KldB Berufshauptgruppe) a demo company's type trains.

    Empty for a company that is not a demo company, or whose name names no known type: then
    a plugin falls back on what it knows itself.
    """
    kind = company_type_of(company) if company.is_demo else None
    return kind.apprenticeships if kind is not None else ()
