"""The built-in ``core`` plugin: the company filters, the companies layer, the questionnaire's
core sections and the profile sections they fill.

It uses the same hooks as any plugin, so every hook has a real user.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np

from core import classifications as vocab
from core.errors import ConfigError
from core.i18n import Text
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
from core.texts import text

if TYPE_CHECKING:
    from core.model import Company
    from core.platform import Platform

MANIFEST = PluginManifest(
    name="core",
    title=text("plugin.title"),
    version="0.1.0",
    description="Company profiles, their filters and the companies map layer.",
)

OUTSIDE = "other"


def _town_choices(platform: Platform) -> tuple[Choice, ...]:
    # a town's name is the same in every language
    towns = tuple(Choice(t.ags, t.name, group=t.district or None) for t in platform.region.towns)
    return (*towns, Choice(OUTSIDE, text("town.other")))


def _filter(key: str, kind: FilterKind, *, help: bool = True, **fields: Any) -> FilterSpec:
    """A core filter with its label and help from core's catalog (``filter.<key>.label``)."""
    if help:
        fields["help"] = text(f"filter.{key}.help")
    return FilterSpec(key, text(f"filter.{key}.label"), kind, **fields)


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
        _filter("q", FilterKind.TEXT),
        _filter("bbox", FilterKind.GEO),
        _filter("near", FilterKind.GEO, unit="km"),
        _filter(
            "industry",
            FilterKind.CHOICE,
            column=lambda s: s.choice_column(s.industry, industries),
            choices=industries,
            searchable=True,
        ),
        _filter(
            "industry_division",
            FilterKind.CHOICE,
            choices=divisions,
            column=lambda s: s.choice_column(s.industry_division, divisions),
            searchable=True,
        ),
        _filter(
            "profession",
            FilterKind.MULTICHOICE,
            column=lambda s: s.multichoice_column(s.professions, professions),
            choices=professions,
            searchable=True,
        ),
        _filter("town", FilterKind.CHOICE, help=False, column=town_column, choices=towns),
        _filter("size", FilterKind.CHOICE, help=False, column=size_column, choices=sizes),
        _filter(
            "employees",
            FilterKind.RANGE,
            facet=False,
            column=lambda s: s.employees.astype(np.float64),
            single="min",
            minimum=0,
        ),
        _filter(
            "family",
            FilterKind.MULTICHOICE,
            match="all",
            choices=family,
            column=lambda s: s.multichoice_column(s.family, family),
        ),
        _filter(
            "offer",
            FilterKind.MULTICHOICE,
            choices=offers,
            column=lambda s: s.multichoice_column(s.offers, offers),
        ),
        _filter(
            "benefit",
            FilterKind.MULTICHOICE,
            help=False,
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
            text("layer.companies"),
            features,
            default_visible=True,
            marker="company",
        )
    ]


@hookimpl
def register_questionnaire_sections() -> list[Section]:
    return core_sections()


#: Profile sections drawn from the questionnaire's story questions (extensions["core"]).
STORY = ("attractive", "typical_day", "learn")


def story_title(key: str) -> Text:
    """The title of the story section ``key`` (``story.<key>`` in core's catalog)."""
    return text(f"story.{key}")


@hookimpl
def profile_sections(company: Company, lang: str) -> list[ProfileSection]:
    story = company.extensions.get("core") or {}
    sections = []
    for position, key in enumerate(STORY):
        answer = story.get(key)
        if not isinstance(answer, str) or not answer.strip():
            continue
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in answer.split("\n\n") if p.strip())
        sections.append(
            ProfileSection(
                f"core-{key.replace('_', '-')}",
                story_title(key)(lang),
                paragraphs,
                order=position + 1,
            )
        )
    return sections
