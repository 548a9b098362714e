"""Fictitious demo Kitas at real postcodes of the region (hook ``create_demo_data``).

They are kept under the source ``demo`` with stable ids, so a second run changes nothing and
Kitas from real imports are never touched. Each says in its name and notes that it is made up.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from core import DEMO_SOURCE
from core import demo_places
from core import hookimpl

from plugins.childcare import repository as repo
from plugins.childcare.model import Kita

if TYPE_CHECKING:
    import datetime as dt

    from core import Platform

__all__ = ["DEMO_KITAS", "create_demo_data", "demo_kitas"]

#: the name and operator say "Demo"/"fiktiv"; the notes say what is made up
NOTE = "Fiktive Demo-Kita: Name, Träger, Plätze und Kontakt sind frei erfunden."
DEMO_KITAS = 60
NAMES = (
    "Sonnenblume", "Regenbogen", "Pusteblume", "Zechenzwerge", "Kleine Strolche",
    "Löwenzahn", "Wirbelwind", "Sternschnuppe", "Haldenhüpfer", "Kunterbunt",
    "Marienkäfer", "Villa Kunterbunt", "Abenteuerland", "Spatzennest", "Emscherkinder",
)  # fmt: skip
OPERATORS = (
    "Demo-Träger Kinderwelt e.V. (fiktiv)",
    "Demo-Familienzentrum gGmbH (fiktiv)",
    "Städtischer Demo-Träger (fiktiv)",
    "Demo-Elterninitiative e.V. (fiktiv)",
)
HOURS = ((7 * 60, 16 * 60 + 30), (7 * 60 + 30, 17 * 60), (6 * 60 + 30, 15 * 60), (7 * 60, 14 * 60))
AGE_MIXES = (("u3", "3to6"), ("3to6",), ("u3",), ("u3", "3to6", "school"), ("3to6", "school"))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def demo_kitas(platform: Platform, seed: int, count: int = DEMO_KITAS) -> list[Kita]:
    """``count`` fictitious Kitas spread over the region's towns, the same for the same seed."""
    rng = random.Random(f"{seed}:childcare")
    kitas = []
    for i, place in enumerate(demo_places(platform.region, count, seed, salt="childcare")):
        opens, closes = rng.choice(HOURS)
        kitas.append(
            Kita(
                source=DEMO_SOURCE,
                source_id=f"demo-{i + 1}",
                name=f"Demo-Kita {rng.choice(NAMES)} {place.town} (fiktiv)",
                lat=place.lat,
                lon=place.lon,
                operator=rng.choice(OPERATORS),
                street=place.street,
                postcode=place.postcode,
                town=place.town,
                age_groups=rng.choice(AGE_MIXES),
                places=rng.choice((25, 40, 45, 60, 75, 90, 110)),
                opening_hours=f"Mo-Fr {_clock(opens)}-{_clock(closes)}",
                opens=opens,
                closes=closes,
                lunch=rng.random() < 0.9,
                inclusion=rng.random() < 0.4,
                notes=NOTE,
            )
        )
    return kitas


@hookimpl
def create_demo_data(platform: Platform, seed: int, today: dt.date) -> str:
    """Make (or keep) the demo Kitas; Kitas of other sources stay as they are."""
    kitas = demo_kitas(platform, seed)
    with platform.session(write=True) as session:
        repo.sync_source(session, DEMO_SOURCE, kitas)
    return f"{len(kitas)} fiktive Kitas (fictitious Kitas)"
