"""Deterministic, clearly fictitious demo companies for a region.

The same ``seed`` and ``count`` always give the same companies. They sit at real postcode
centroids of the region's towns with jitter, follow a Ruhr-area industry mix and the usual
size distribution (most firms micro or small), and are flagged ``is_demo`` in the data and
"Fiktives Demo-Unternehmen" in their description.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from core import classifications as vocab
from core.model import Company, Contact, slugify
from core.region import Region
from core.search.geocoding import postcode_centroids

__all__ = ["DEMO_NOTICE", "demo_companies", "demo_rows"]

DEMO_NOTICE = "Fiktives Demo-Unternehmen: Name, Angaben und Kontakt sind frei erfunden."

# Share of firms per WZ section, roughly as in the Ruhr area's business register.
INDUSTRY_MIX = {
    "G": 18,
    "F": 12,
    "M": 12,
    "C": 9,
    "Q": 10,
    "N": 7,
    "H": 6,
    "I": 6,
    "S": 5,
    "J": 3,
    "K": 2,
    "L": 3,
    "P": 2,
    "E": 1,
    "D": 0.5,
    "R": 1.5,
    "A": 0.6,
    "B": 0.2,
    "O": 0.4,
    "U": 0.05,
    "T": 0.05,
}
# Typical professions (KldB Berufshauptgruppen) per section.
PROFESSIONS = {
    "A": ["11", "12"],
    "B": ["21", "22"],
    "C": ["24", "25", "26", "27", "28", "29", "22"],
    "D": ["26", "34", "27"],
    "E": ["34", "52", "21"],
    "F": ["32", "33", "31", "34"],
    "G": ["62", "61", "51", "25"],
    "H": ["52", "51", "71"],
    "I": ["63", "29"],
    "J": ["43", "92", "94"],
    "K": ["72", "71"],
    "L": ["61", "71", "72"],
    "M": ["72", "73", "31", "27", "92"],
    "N": ["54", "53", "71", "52"],
    "O": ["73", "71", "53"],
    "P": ["84", "83"],
    "Q": ["81", "82", "83"],
    "R": ["94", "93", "63"],
    "S": ["82", "83", "63"],
    "T": ["83"],
    "U": ["73"],
}
PREFIXES = {
    "A": ["Gärtnerei", "Hof", "Baumschule"],
    "B": ["Kieswerk", "Bergbau-Service"],
    "C": ["Metallbau", "Feinmechanik", "Bäckerei", "Kunststofftechnik", "Maschinenbau", "Chemie"],
    "D": ["Energieversorgung", "Solartechnik"],
    "E": ["Recycling", "Entsorgung"],
    "F": ["Bauunternehmung", "Dachdeckerei", "Malerbetrieb", "Elektro", "Sanitär", "Tischlerei"],
    "G": ["Autohaus", "Fachhandel", "Großhandel", "Kfz-Werkstatt", "Bioladen", "Fahrradladen"],
    "H": ["Spedition", "Logistik", "Kurierdienst", "Taxiunternehmen"],
    "I": ["Gasthof", "Hotel", "Café", "Catering"],
    "J": ["IT-Service", "Softwarehaus", "Medienagentur"],
    "K": ["Finanzberatung", "Versicherungsbüro"],
    "L": ["Hausverwaltung", "Immobilien"],
    "M": ["Steuerbüro", "Ingenieurbüro", "Architekturbüro", "Kanzlei", "Labor"],
    "N": ["Gebäudereinigung", "Sicherheitsdienst", "Personalservice", "Gartenpflege"],
    "O": ["Zweckverband", "Servicebetrieb"],
    "P": ["Sprachschule", "Bildungswerk", "Fahrschule"],
    "Q": ["Pflegedienst", "Physiotherapie", "Zahnarztpraxis", "Tagespflege"],
    "R": ["Fitnessstudio", "Kulturwerkstatt"],
    "S": ["Friseursalon", "Schneiderei", "Reparaturservice"],
    "T": ["Haushaltsservice"],
    "U": ["Verbindungsbüro"],
}
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
SIZE_BANDS = ((1, 9, 0.80), (10, 49, 0.155), (50, 249, 0.037), (250, 2500, 0.008))


def demo_rows(region: Region, count: int, seed: int) -> Iterator[dict[str, Any]]:
    """Yield ``count`` demo companies as plain dicts of Company fields (fast path for bulk)."""
    rng = np.random.default_rng(seed)
    centroids = postcode_centroids()
    towns = list(region.towns)
    weights = np.array([TOWN_WEIGHT.get(t.ags, 50) for t in towns], dtype=float)
    town_idx = rng.choice(len(towns), size=count, p=weights / weights.sum())
    sections = list(INDUSTRY_MIX)
    mix = np.array([INDUSTRY_MIX[s] for s in sections], dtype=float)
    section_idx = rng.choice(len(sections), size=count, p=mix / mix.sum())
    band_p = np.array([b[2] for b in SIZE_BANDS])
    band = rng.choice(len(SIZE_BANDS), size=count, p=band_p / band_p.sum())
    low = np.array([b[0] for b in SIZE_BANDS])[band]
    high = np.array([b[1] for b in SIZE_BANDS])[band]
    # within a band, small head counts are more common
    employees = (low + np.floor((high - low + 1) * rng.random(count) ** 2)).astype(int)
    jitter_lat = rng.normal(0, 0.006, count)
    jitter_lon = rng.normal(0, 0.009, count)
    u = rng.random((count, 16))
    picks = rng.integers(0, 1 << 30, size=(count, 8))
    divisions_by_section: dict[str, list[str]] = {}
    for term in vocab.industry_divisions():
        divisions_by_section.setdefault(term.parent or "", []).append(term.code)
    family_codes = [t.code for t in vocab.family_features()]
    benefit_codes = [t.code for t in vocab.benefits()]
    all_professions = [t.code for t in vocab.professions()]
    seen_slugs: dict[str, int] = {}
    for i in range(count):
        town = towns[town_idx[i]]
        postcodes = [p for p in town.postcodes if p in centroids] or [""]
        postcode = postcodes[picks[i, 0] % len(postcodes)]
        base = centroids[postcode] if postcode else town.center
        section = sections[section_idx[i]]
        prefixes = PREFIXES[section]
        surname = SURNAMES[picks[i, 1] % len(SURNAMES)]
        form = FORMS[picks[i, 2] % len(FORMS)]
        trade = prefixes[picks[i, 3] % len(prefixes)]
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
        typical = PROFESSIONS[section]
        professions = {typical[picks[i, 4] % len(typical)]}
        if u[i, 0] < 0.5:
            professions.add(typical[picks[i, 5] % len(typical)])
        if u[i, 1] < 0.25 + 0.5 * size_factor:
            professions.add(all_professions[picks[i, 6] % len(all_professions)])
        family = [
            c
            for k, c in enumerate(family_codes)
            if u[i, 2 + k] < (0.15 + 0.45 * size_factor) * (0.5 if c == "certified" else 1)
        ]
        offers = []
        if u[i, 9] < 0.25 + 0.5 * size_factor:
            offers.append("ausbildung")
        if u[i, 10] < 0.05 + 0.35 * size_factor:
            offers.append("duales_studium")
        if u[i, 11] < 0.4:
            offers.append("praktikum")
        if u[i, 12] < 0.02 + 0.2 * size_factor:
            offers.append("trainee")
        if u[i, 13] < 0.45:
            offers.append("jobs")
        benefits = [c for k, c in enumerate(benefit_codes) if (picks[i, 7] >> k) % 4 == 0]
        divisions = divisions_by_section.get(section, [])
        status = "published" if u[i, 14] < 0.97 else ("submitted" if u[i, 15] < 0.5 else "draft")
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
            "industry": section,
            "industry_division": divisions[picks[i, 6] % len(divisions)] if divisions else None,
            "professions": sorted(professions),
            "employees": int(employees[i]),
            "family": family,
            "certificates": ["audit_berufundfamilie"] if "certified" in family else [],
            "offers": offers,
            "benefits": benefits,
            "website": "",
            "status": status,
            "is_demo": True,
            "extensions": {},
            "contact": {
                "name": f"{surname} (fiktiv)",
                "email": f"kontakt@{slug[:40]}.example",
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
