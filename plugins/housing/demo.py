"""Fictitious demo housing offers at real postcodes of the region (hook ``create_demo_data``).

Dated from the day the demo is made (available soon, valid for weeks), kept under the source
``demo`` by a stable external id: a later run moves their dates along and adds nothing, offers
of other sources stay as they are. Each says in its title and text that it is made up.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from core import DEMO_SOURCE
from core import DemoPlace
from core import demo_places
from core import hookimpl

from plugins.housing import repository as repo
from plugins.housing.model import Offer

if TYPE_CHECKING:
    from core import Platform

__all__ = ["DEMO_OFFERS", "create_demo_data", "demo_offers"]

DEMO_OFFERS = 40
NOTE = "Fiktives Demo-Angebot: Anbieter, Preise und Kontakt sind frei erfunden."
#: kind, offer type, provider type, provider, title pattern, rooms choices, share
KINDS = (
    ("flat", "rent", "municipal", "Demo-Wohnbau {town} (fiktiv)", "{rooms}-Zimmer-Wohnung",
     (2, 2.5, 3, 3.5), 0.35),
    ("flat", "rent", "cooperative", "Demo-Wohnungsgenossenschaft (fiktiv)",
     "{rooms}-Zimmer-Wohnung mit Balkon", (2, 3, 4), 0.2),
    ("shared_flat", "rent", "private", "Demo-Vermieterin (fiktiv)", "WG-Zimmer", (1,), 0.1),
    ("apprentice_housing", "rent", "employer", "Demo-Ausbildungsverbund (fiktiv)",
     "Azubi-Apartment", (1,), 0.1),
    ("company_housing", "rent", "employer", "Demo-Klinikum (fiktiv)",
     "Werkswohnung für neue Beschäftigte", (2, 3), 0.1),
    ("house", "buy", "private", "Demo-Immobilien (fiktiv)", "Reihenhaus", (4, 5), 0.15),
)  # fmt: skip


def _offer(rng: random.Random, i: int, place: DemoPlace, today: dt.date) -> Offer:
    kind, offer_type, provider_type, provider, title, rooms_choices, _ = rng.choices(
        KINDS, weights=[k[-1] for k in KINDS]
    )[0]
    rooms = rng.choice(rooms_choices)
    area = round(18 + rooms * rng.uniform(17, 24)) if kind != "shared_flat" else rng.randint(12, 20)
    rent = price = costs = None
    if kind == "shared_flat":  # a room's rent includes its share of kitchen and bath
        rent = round(rng.uniform(190, 290), -1)
        costs = round(rng.uniform(60, 100), -1)
    elif offer_type == "rent":  # Kaltmiete around 6 to 9.50 euros per square metre in the region
        rent = round(area * rng.uniform(6.2, 9.4), -1)
        costs = round(area * rng.uniform(2.2, 3.0), -1)
    else:
        price = round(area * rng.uniform(1900, 2900), -3)
    town = place.town
    return Offer(
        title=f"{title.format(rooms=f'{rooms:g}'.replace('.', ','))} in {town} (fiktiv)",
        kind=kind,
        offer_type=offer_type,
        postcode=place.postcode,
        lat=place.lat,
        lon=place.lon,
        expires_on=today + dt.timedelta(days=rng.randint(45, 120)),
        source=DEMO_SOURCE,
        external_id=f"demo-{i + 1}",
        rooms=rooms,
        area_m2=area,
        cold_rent_eur=rent,
        additional_costs_eur=costs,
        warm_rent_eur=rent + costs if rent is not None and costs is not None else None,
        price_eur=price,
        available_from=today + dt.timedelta(days=rng.choice((0, 14, 30, 45, 60))),
        street=place.street,
        town=town,
        address_public=rng.random() < 0.5,
        provider_type=provider_type,
        provider_name=provider.format(town=town),
        contact_email="wohnen@demo.example",
        description=NOTE,
    )


def demo_offers(
    platform: Platform, seed: int, today: dt.date, count: int = DEMO_OFFERS
) -> list[Offer]:
    """``count`` fictitious offers spread over the region, valid from ``today`` on."""
    rng = random.Random(f"{seed}:housing")
    places = demo_places(platform.region, count, seed, salt="housing")
    return [_offer(rng, i, place, today) for i, place in enumerate(places)]


@hookimpl
def create_demo_data(platform: Platform, seed: int, today: dt.date) -> str:
    """Make (or refresh) the demo offers; offers of other sources stay as they are."""
    offers = demo_offers(platform, seed, today)
    with platform.session(write=True) as session:
        repo.save_offers(session, DEMO_SOURCE, offers, replace=True)
    return f"{len(offers)} fiktive Wohnangebote (fictitious housing offers)"
