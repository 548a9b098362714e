"""The built-in ``core`` plugin: the company filters, the companies layer, the questionnaire's
core sections and the profile sections they fill.

It uses the same hooks as any plugin, so every hook has a real user.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np

from core import classifications as vocab
from core.errors import ConfigError
from core.plugins.hookspecs import hookimpl
from core.plugins.manager import PluginManifest
from core.plugins.profile import ProfileSection
from core.portal.core_sections import core_sections
from core.portal.questionnaire import Section
from core.search.filters import Choice, FilterKind, FilterSpec, choices_from
from core.search.geocoding import Geocoder, PostcodeGeocoder, WebGeocoder
from core.search.index import IndexSource
from core.search.layers import Feature, Layer, point_feature
from core.search.query import BBox

if TYPE_CHECKING:
    from core.model import Company
    from core.platform import Platform

MANIFEST = PluginManifest(
    name="core",
    title_de="Unternehmen",
    title_en="Companies",
    version="0.1.0",
    description="Company profiles, their filters and the companies map layer.",
)

OUTSIDE = "other"


def _town_choices(platform: Platform) -> tuple[Choice, ...]:
    towns = tuple(Choice(t.ags, t.name, t.name, t.district or None) for t in platform.region.towns)
    return (*towns, Choice(OUTSIDE, "Außerhalb der Region", "Outside the region"))


@hookimpl
def register_filters(platform: Platform) -> list[FilterSpec]:
    towns = _town_choices(platform)
    industries = choices_from(vocab.industries())
    divisions = choices_from(vocab.industry_divisions())
    professions = choices_from(vocab.professions())
    sizes = choices_from(vocab.size_classes())
    family = choices_from(vocab.family_features())
    offers = choices_from(vocab.offers())
    benefits = choices_from(vocab.benefits())
    town_position = {c.value: i for i, c in enumerate(towns)}
    outside = town_position[OUTSIDE]

    def town_column(s: IndexSource) -> np.ndarray:
        return np.fromiter(
            (town_position.get(a, outside) for a in s.ags), dtype=np.int16, count=len(s)
        )

    def size_column(s: IndexSource) -> np.ndarray:
        return s.choice_column([vocab.size_class_for(int(e)) for e in s.employees], sizes)

    return [
        FilterSpec(
            "q",
            "Freitext",
            "Free text",
            FilterKind.TEXT,
            help_de="Sucht in Name, Beschreibung, Ort, Branche und Berufen.",
            help_en="Searches name, description, town, industry and professions.",
        ),
        FilterSpec(
            "bbox",
            "Kartenausschnitt",
            "Map area",
            FilterKind.GEO,
            help_de="west,süd,ost,nord in Grad (WGS84).",
            help_en="west,south,east,north in degrees (WGS84).",
        ),
        FilterSpec(
            "near",
            "Umkreis",
            "Radius",
            FilterKind.GEO,
            unit="km",
            help_de="Mittelpunkt (near=lat,lon, near_postcode oder near_town) und radius_km.",
            help_en="Centre (near=lat,lon, near_postcode or near_town) and radius_km.",
        ),
        FilterSpec(
            "industry",
            "Branche",
            "Industry",
            FilterKind.CHOICE,
            column=lambda s: s.choice_column(s.industry, industries),
            choices=industries,
            searchable=True,
            help_de="Der Wirtschaftszweig, in dem das Unternehmen tätig ist.",
            help_en="The line of business the company works in.",
        ),
        FilterSpec(
            "industry_division",
            "Branche (genauer)",
            "Industry (detailed)",
            FilterKind.CHOICE,
            choices=divisions,
            column=lambda s: s.choice_column(s.industry_division, divisions),
            searchable=True,
            help_de="Eine genauere Wahl innerhalb der Branchen.",
            help_en="A finer choice within the industries.",
        ),
        FilterSpec(
            "profession",
            "Beruf",
            "Profession",
            FilterKind.MULTICHOICE,
            column=lambda s: s.multichoice_column(s.professions, professions),
            choices=professions,
            searchable=True,
            help_de="Berufe, die im Unternehmen arbeiten oder ausgebildet werden.",
            help_en="Professions the company employs or trains.",
        ),
        FilterSpec("town", "Ort", "Town", FilterKind.CHOICE, column=town_column, choices=towns),
        FilterSpec(
            "size",
            "Unternehmensgröße",
            "Company size",
            FilterKind.CHOICE,
            column=size_column,
            choices=sizes,
        ),
        FilterSpec(
            "employees",
            "Beschäftigte",
            "Employees",
            FilterKind.RANGE,
            facet=False,
            column=lambda s: s.employees.astype(np.float64),
            single="min",
            minimum=0,
            help_de="Wie viele Menschen im Unternehmen arbeiten.",
            help_en="How many people work for the company.",
        ),
        FilterSpec(
            "family",
            "Vereinbarkeit von Beruf und Familie",
            "Work-family compatibility",
            FilterKind.MULTICHOICE,
            match="all",
            choices=family,
            column=lambda s: s.multichoice_column(s.family, family),
            help_de="Alle gewählten Angebote müssen vorhanden sein.",
            help_en="Every chosen feature must be offered.",
        ),
        FilterSpec(
            "offer",
            "Angebote für Einsteiger",
            "Offers for starters",
            FilterKind.MULTICHOICE,
            choices=offers,
            column=lambda s: s.multichoice_column(s.offers, offers),
            help_de="Mindestens eines der gewählten Angebote.",
            help_en="At least one of the chosen offers.",
        ),
        FilterSpec(
            "benefit",
            "Zusatzleistungen",
            "Benefits",
            FilterKind.MULTICHOICE,
            match="all",
            choices=benefits,
            column=lambda s: s.multichoice_column(s.benefits, benefits),
        ),
    ]


@hookimpl
def register_geocoders(platform: Platform) -> list[Geocoder]:
    settings = platform.settings.geocoding
    geocoders: list[Geocoder] = [PostcodeGeocoder()]
    if settings.provider in ("nominatim", "photon"):
        if not settings.url.startswith(("http://", "https://")):
            raise ConfigError(
                f"geocoding.provider {settings.provider!r} needs geocoding.url, the http(s) "
                f"address of the service; it is {settings.url!r}."
            )
        title = platform.settings.portal.title
        geocoders.append(
            WebGeocoder(
                settings.provider,
                settings.url,
                timeout=settings.timeout,
                user_agent=f"regiokarte ({title})",
            )
        )
    return geocoders


@hookimpl
def register_layers(platform: Platform) -> list[Layer]:
    def features(bbox: BBox | None, lang: str) -> list[Feature]:
        index = platform.engine.index
        rows = index.alive.copy()
        if bbox is not None:
            rows &= (index.lat >= bbox.south) & (index.lat <= bbox.north)
            rows &= (index.lon >= bbox.west) & (index.lon <= bbox.east)
        return [
            point_feature(
                int(index.ids[r]),
                float(index.lat[r]),
                float(index.lon[r]),
                {
                    "name": index.names[r],
                    "slug": index.slugs[r],
                    "town": index.towns[r],
                    "industry": index.industries[r],
                    "size": index.sizes[r],
                    "is_demo": bool(index.is_demo[r]),
                },
                title=index.names[r],
                lines=[index.towns[r]],
                link=f"/unternehmen/{index.slugs[r]}",
            )
            for r in np.flatnonzero(rows)
        ]

    return [
        Layer(
            "companies",
            "Unternehmen",
            "Companies",
            features,
            default_visible=True,
            marker="company",
        )
    ]


@hookimpl
def register_questionnaire_sections() -> list[Section]:
    return core_sections()


#: Profile sections drawn from the questionnaire's story questions (extensions["core"]).
STORY = (
    ("attractive", "Was uns als Arbeitgeber ausmacht", "What makes us a good employer"),
    ("typical_day", "Ein typischer Arbeitstag", "A typical working day"),
    ("learn", "Was man bei uns lernt", "What you learn with us"),
)


@hookimpl
def profile_sections(company: Company, lang: str) -> list[ProfileSection]:
    story = company.extensions.get("core") or {}
    sections = []
    for position, (key, title_de, title_en) in enumerate(STORY):
        text = story.get(key)
        if not isinstance(text, str) or not text.strip():
            continue
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
        sections.append(
            ProfileSection(
                f"core-{key.replace('_', '-')}",
                title_en if lang == "en" else title_de,
                paragraphs,
                order=position + 1,
            )
        )
    return sections
