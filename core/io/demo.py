"""Deterministic, clearly fictitious demo companies for a region.

The same ``seed`` and ``count`` always give the same companies. They sit at real postcode
centroids of the region's towns with jitter. Each is drawn from one plausible company type
(``core.io.company_types``): its name, industry, professions, offers and size fit together.
They are flagged ``is_demo`` in the data and "Fiktives Demo-Unternehmen" in their
description.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from core import classifications as vocab
from core.io.company_types import COMPANY_TYPES, CompanyType
from core.model import Company, Contact, slugify
from core.region import Region
from core.search.geocoding import postcode_centroids

__all__ = ["DEMO_NOTICE", "demo_companies", "demo_rows"]

DEMO_NOTICE = "Fiktives Demo-Unternehmen: Name, Angaben und Kontakt sind frei erfunden."

SURNAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Krause",
    "Meier",
    "Lehmann",
    "Kowalski",
    "Nowak",
    "Yılmaz",
    "Kaya",
    "Demir",
    "Şahin",
    "Wiśniewski",
    "Brinkmann",
    "Terhorst",
    "Büscher",
    "Overkamp",
    "Schulte",
    "Hülsmann",
    "Kemper",
    "Tenhagen",
    "Böckmann",
]
FORMS = ["GmbH", "e.K.", "GmbH & Co. KG", "OHG", "", "", "UG (haftungsbeschränkt)", "KG"]
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Industriestraße",
    "Kirchplatz",
    "Gewerbepark",
    "Am Markt",
    "Dorstener Straße",
    "Zechenstraße",
    "Hafenweg",
    "Lindenallee",
]
PITCHES = [
    "Wir suchen Menschen, die mit anpacken und bei uns lernen wollen.",
    "Bei uns zählt das Team: kurze Wege, feste Ansprechpartner und Zeit zum Einarbeiten.",
    "Wir bilden seit Jahren aus und übernehmen unsere Azubis gern.",
    "Familienbetrieb mit Herz: flexible Absprachen statt starrer Dienstpläne.",
    "Moderne Technik, regionale Kundschaft und sichere Arbeitsplätze im Revier.",
]
# inhabitants in thousands, to place firms where people are
TOWN_WEIGHT = {
    "05513000": 260,
    "05512000": 117,
    "05562032": 112,
    "05562024": 84,
    "05562012": 75,
    "05562004": 73,
    "05562014": 75,
    "05562020": 62,
    "05562016": 38,
    "05562008": 34,
    "05562028": 31,
    "05562036": 29,
}
SIZE_BANDS = ((1, 9), (10, 49), (50, 249), (250, 2500))


def _employees(rng: np.random.Generator, type_idx: np.ndarray) -> np.ndarray:
    """Head counts drawn from each company type's own size distribution."""
    count = len(type_idx)
    shares = np.array([t.sizes for t in COMPANY_TYPES], dtype=float)
    cumulative = np.cumsum(shares / shares.sum(axis=1, keepdims=True), axis=1)[type_idx]
    band = np.minimum((rng.random((count, 1)) > cumulative).sum(axis=1), len(SIZE_BANDS) - 1)
    low = np.array([b[0] for b in SIZE_BANDS])[band]
    high = np.array([b[1] for b in SIZE_BANDS])[band]
    # within a band, small head counts are more common
    employees: np.ndarray = (low + np.floor((high - low + 1) * rng.random(count) ** 2)).astype(int)
    return employees


def _offers(kind: CompanyType, size_factor: float, u: np.ndarray) -> list[str]:
    """What a firm offers young people: Ausbildung only where its type trains."""
    offers = []
    if kind.apprenticeships and u[0] < 0.25 + 0.5 * size_factor:
        offers.append("ausbildung")
    if kind.dual_study and u[1] < 0.1 + 0.5 * size_factor:
        offers.append("duales_studium")
    if u[2] < 0.4:
        offers.append("praktikum")
    if kind.dual_study and u[3] < 0.02 + 0.3 * size_factor:
        offers.append("trainee")
    if u[4] < 0.45:
        offers.append("jobs")
    return offers


def _mail_domain(*words: str) -> str:
    """A clean, fictitious mail domain from the trade, owner and town ("baeckerei-becker-marl")."""
    domain = ""
    for part in slugify(" ".join(words)).split("-"):
        if len(domain) + len(part) + 1 > 40:
            break
        domain = f"{domain}-{part}" if domain else part
    return f"{domain}.example"


def demo_rows(region: Region, count: int, seed: int) -> Iterator[dict[str, Any]]:
    """Yield ``count`` demo companies as plain dicts of Company fields (fast path for bulk)."""
    rng = np.random.default_rng(seed)
    centroids = postcode_centroids()
    towns = list(region.towns)
    weights = np.array([TOWN_WEIGHT.get(t.ags, 50) for t in towns], dtype=float)
    town_idx = rng.choice(len(towns), size=count, p=weights / weights.sum())
    mix = np.array([t.weight for t in COMPANY_TYPES], dtype=float)
    type_idx = rng.choice(len(COMPANY_TYPES), size=count, p=mix / mix.sum())
    employees = _employees(rng, type_idx)
    jitter_lat = rng.normal(0, 0.006, count)
    jitter_lon = rng.normal(0, 0.009, count)
    u = rng.random((count, 18))
    picks = rng.integers(0, 1 << 30, size=(count, 8))
    family_codes = [t.code for t in vocab.family_features()]
    benefit_codes = [t.code for t in vocab.benefits()]
    seen_slugs: dict[str, int] = {}
    for i in range(count):
        town = towns[town_idx[i]]
        postcodes = [p for p in town.postcodes if p in centroids] or [""]
        postcode = postcodes[picks[i, 0] % len(postcodes)]
        base = centroids[postcode] if postcode else town.center
        kind = COMPANY_TYPES[type_idx[i]]
        surname = SURNAMES[picks[i, 1] % len(SURNAMES)]
        forms = kind.forms or FORMS
        form = forms[picks[i, 2] % len(forms)]
        trade = kind.trades[picks[i, 3] % len(kind.trades)]
        partner = SURNAMES[(picks[i, 1] >> 8) % len(SURNAMES)]
        pattern = (picks[i, 2] >> 8) % 4
        if pattern == 0:
            parts = (surname, trade, form)  # "Becker Metallbau GmbH"
        elif pattern == 1 and partner != surname:
            parts = (trade, f"{surname} & {partner}", form)  # "Kanzlei Kaya & Braun"
        else:
            parts = (trade, surname, form)  # "Bäckerei Schulte e.K."
        name = " ".join(p for p in parts if p)
        slug = slugify(f"{name} {town.name}")
        n = seen_slugs.get(slug, 0) + 1
        seen_slugs[slug] = n
        if n > 1:
            slug = f"{slug}-{n}"
        size_factor = min(1.0, employees[i] / 60.0)
        # the core profession always; the type's others more often in larger firms
        professions = [kind.professions[0]] + [
            p
            for k, p in enumerate(kind.professions[1:])
            if u[i, 5 + k % 4] < 0.35 + 0.5 * size_factor
        ]
        family = [
            c
            for k, c in enumerate(family_codes)
            if u[i, 9 + k % 7] < (0.15 + 0.45 * size_factor) * (0.5 if c == "certified" else 1)
        ]
        benefits = [c for k, c in enumerate(benefit_codes) if (picks[i, 7] >> k) % 4 == 0]
        status = "published" if u[i, 16] < 0.97 else ("submitted" if u[i, 17] < 0.5 else "draft")
        yield {
            "name": name,
            "slug": slug,
            "description": (
                f"{DEMO_NOTICE} {trade} in {town.name} mit {employees[i]} "
                f"Beschäftigten. {PITCHES[picks[i, 4] % len(PITCHES)]}"
            ),
            "street": f"{STREETS[picks[i, 0] % len(STREETS)]} {1 + picks[i, 5] % 180}",
            "postcode": postcode,
            "town": town.name,
            "ags": town.ags,
            "lat": round(base.lat + jitter_lat[i], 6),
            "lon": round(base.lon + jitter_lon[i], 6),
            "industry": kind.section,
            "industry_division": kind.division,
            "professions": sorted(professions),
            "employees": int(employees[i]),
            "family": family,
            "certificates": ["audit_berufundfamilie"] if "certified" in family else [],
            "offers": _offers(kind, size_factor, u[i, :5]),
            "benefits": benefits,
            "website": "",
            "status": status,
            "is_demo": True,
            "extensions": {},
            "contact": {
                "name": f"{surname} (fiktiv)",
                "email": f"kontakt@{_mail_domain(trade, surname, town.name)}",
                "phone": "",
            },
        }


def demo_companies(region: Region, count: int, seed: int) -> Iterator[Company]:
    """The same demo data as Company values."""
    for row in demo_rows(region, count, seed):
        contact = row.pop("contact")
        company = Company.from_dict(row)
        company.contact = Contact(**contact)
        yield company
