"""Matching benchmark: how long the jobs plugin takes to match the employers of imported
positions to companies, at the design size and beyond.

    python bench/jobs_match_bench.py [companies ...]

For each size (default 20,000 and 50,000) fictitious companies are spread over the region's
postcodes (names drawn from trades and family names, so that many are alike), and 3,000
positions name employers as a job board writes them: the same name in capitals or with
another legal form, a letter short, an unknown employer, a branch in another postcode of the
town. Printed per size: seconds to build the directory, seconds to match all positions (no
cache: every employer a different spelling) and the share of matched, review and unmatched.
Nothing is asserted (tests compare every match with the rule instead).
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core import fold  # noqa: E402
from core.io.demo import SURNAMES  # noqa: E402
from core.region import default_region  # noqa: E402
from plugins.jobs.matching import CompanyDirectory, Listing  # noqa: E402

TRADES = [
    "Autohaus",
    "Bäckerei",
    "Elektro",
    "Sanitär",
    "Pflegedienst",
    "Dachdeckerei",
    "Malerbetrieb",
    "Spedition",
    "Steuerberatung",
    "Metallbau",
    "Gasthof",
    "Friseursalon",
    "Getränkemarkt",
]
#: family names: the demo's, and some the region's job boards add
FAMILIES = [*SURNAMES, "Schmitz", "Kowalski", "Yılmaz", "Öztürk", "Nowak", "Weiß", "Krüger"]
FORMS = ["", " GmbH", " GmbH & Co. KG", " e. K.", " OHG", " UG (haftungsbeschränkt)"]


def companies(count: int, postcodes: list[str], rng: random.Random) -> list[Listing]:
    return [
        Listing(
            i,
            f"{rng.choice(TRADES)} {rng.choice(FAMILIES)}{rng.choice(['', ' & Söhne', ' Nord'])}"
            f"{rng.choice(FORMS)}",
            rng.choice(postcodes),
            "",
        )
        for i in range(1, count + 1)
    ]


def employers(listed: list[Listing], postcodes: list[str], rng: random.Random) -> list:
    out = []
    for n in range(3000):
        c = rng.choice(listed)
        r = rng.random()
        name = c.name
        if r < 0.2:
            name = name.upper()
        elif r < 0.35:
            name = name.split(" GmbH")[0] + rng.choice(FORMS)
        elif r < 0.45:
            name = name[:-1]
        elif r < 0.55:
            name = f"Unbekannt Nr. {n} GmbH"
        postcode = c.postcode if rng.random() < 0.9 else rng.choice(postcodes)
        out.append((f"{name} ", postcode))  # the blank: no two spellings share a cache entry
    return out


def main(sizes: list[int]) -> None:
    region = default_region()
    postcodes = [p for town in region.towns for p in town.postcodes]

    def town_of(postcode: str, town: str) -> str:
        found = region.town_for_postcode(postcode)
        return fold(found.name if found else town)

    for size in sizes:
        rng = random.Random(size)
        listed = companies(size, postcodes, rng)
        wanted = employers(listed, postcodes, rng)
        start = time.perf_counter()
        directory = CompanyDirectory(listed, town_of=town_of)
        built = time.perf_counter() - start
        start = time.perf_counter()
        states = Counter(directory.match(name, postcode).match for name, postcode in wanted)
        matched = time.perf_counter() - start
        shares = ", ".join(f"{k} {100 * v / len(wanted):.0f} %" for k, v in sorted(states.items()))
        print(
            f"{size:>7,} companies: directory {built:.2f} s, {len(wanted):,} positions matched "
            f"in {matched:.2f} s ({1000 * matched / len(wanted):.2f} ms each); {shares}"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20_000, 50_000])
