"""The childcare plugin's hook implementations: filters, layer, migrations, commands, web,
profile section."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from core import BBox
from core import Feature
from core import FilterKind
from core import FilterSpec
from core import Layer
from core import NavLink
from core import PluginManifest
from core import PluginService
from core import hookimpl
from core import list_hook
from core import migrations_hook
from core import point_feature

from plugins.childcare.datasets import kita_dataset
from plugins.childcare.model import format_clock
from plugins.childcare.questionnaire import CHILDCARE_SECTION
from plugins.childcare.questionnaire import OFFERS
from plugins.childcare.service import ChildcareService
from plugins.childcare.settings import ChildcareSettings

if TYPE_CHECKING:
    from core import Company
    from core import Platform
    from core import ProfileSection

__all__ = [
    "LAYER_ID",
    "MANIFEST",
    "profile_sections",
    "register_blueprints",
    "register_commands",
    "register_datasets",
    "register_filters",
    "register_layers",
    "register_migrations",
    "register_navigation",
    "register_questionnaire_sections",
    "service_for",
]

MANIFEST = PluginManifest(
    name="childcare",
    title_de="Kinderbetreuung",
    title_en="Childcare",
    version="0.1.0",
    settings=ChildcareSettings,
    description=(
        "Kitas as a map layer (GeoJSON, CSV and OpenStreetMap import), 'Kita within N km' and "
        "company childcare filters, nearest Kitas on profiles, questionnaire section as data."
    ),
)

LAYER_ID = "childcare_kitas"

service_for = PluginService("childcare", ChildcareService)
register_migrations = migrations_hook(__file__)
register_commands = list_hook("plugins.childcare.cli:childcare_group")
register_navigation = list_hook(
    NavLink("/kitas/", "Kitas", "Childcare", order=20, plugin="childcare")
)
register_datasets = list_hook(lambda platform: kita_dataset(platform, service_for(platform)))
# core shows and checks the section; its ``apply`` stores the answers and keeps core's
# work-family code in step
register_questionnaire_sections = list_hook(CHILDCARE_SECTION)


@hookimpl
def register_blueprints(platform: Platform) -> list[Any]:
    # the web modules import this module (service_for): imported when the app asks
    from plugins.childcare.api import blp
    from plugins.childcare.pages import blp as pages

    return [blp, pages]


@hookimpl
def register_filters(platform: Platform) -> list[FilterSpec]:
    service = service_for(platform)
    return [
        FilterSpec(
            "childcare_kita",
            "Kita in der Nähe des Arbeitgebers",
            "Kita near the employer",
            FilterKind.MULTICHOICE,
            column=service.kita_column,
            choices=service.kita_choices(),
            dimensions=service.kita_dimensions(),
            match="all",
            help_de=(
                "Eine Kita nahe beim Arbeitgeber (Luftlinie), auf Wunsch für eine Altersgruppe "
                "und an allen Werktagen mindestens bis zur gewählten Uhrzeit geöffnet."
            ),
            help_en=(
                "A Kita close to the employer (straight line), optionally for an age group and "
                "open on every working day until at least the chosen time."
            ),
            plugin="childcare",
            group="childcare",
        ),
        FilterSpec(
            "childcare_kita_km",
            "Nächste Kita (km)",
            "Nearest Kita (km)",
            FilterKind.RANGE,
            column=service.nearest_km_column,
            facet=False,
            single="max",
            unit="km",
            minimum=0,
            maximum=100,
            help_de="Luftlinie vom Arbeitgeber zur nächsten Kita.",
            help_en="Straight-line distance from the employer to the nearest Kita.",
            plugin="childcare",
            group="childcare",
        ),
        FilterSpec(
            "childcare_support",
            "Arbeitgeber unterstützt bei der Kinderbetreuung",
            "Employer supports childcare",
            FilterKind.BOOL,
            column=service.support_column,
            help_de="Betriebskita, Belegplätze, Zuschuss, Ferien- oder Notfallbetreuung.",
            help_en="Company Kita, reserved places, allowance, holiday or emergency care.",
            plugin="childcare",
            group="family",
        ),
        FilterSpec(
            "childcare_offer",
            "Kinderbetreuung durch den Arbeitgeber",
            "Childcare offered by the employer",
            FilterKind.MULTICHOICE,
            column=service.offer_column,
            choices=OFFERS,
            match="all",
            help_de="Alle gewählten Angebote müssen vorhanden sein.",
            help_en="Every chosen offer must be there.",
            plugin="childcare",
            group="family",
        ),
    ]


def kita_feature(kita: Any, lang: str) -> Feature:
    """A Kita as a GeoJSON feature for the map (popup data and the detail page URL)."""
    from plugins.childcare.model import AGE_GROUPS

    ages = ", ".join(a.label(lang) for a in AGE_GROUPS if a.code in kita.age_groups)
    places = f"{kita.places} {'places' if lang == 'en' else 'Plätze'}" if kita.places else None
    url = f"/kitas/{kita.id}" + ("?lang=en" if lang == "en" else "")
    return point_feature(
        f"kita-{kita.id}",
        kita.lat,
        kita.lon,
        {
            "kita_id": kita.id,
            "name": kita.name,
            "operator": kita.operator,
            "address": kita.address,
            "age_groups": list(kita.age_groups),
            "places": kita.places,
            "opening_hours": kita.opening_hours,
            "closes": format_clock(kita.closes) or None,
            "url": url,
        },
        title=kita.name,
        lines=[kita.operator, kita.address, ages, places, kita.opening_hours],
        link=url,
    )


@hookimpl
def register_layers(platform: Platform) -> list[Layer]:
    service = service_for(platform)

    def features(bbox: BBox | None, lang: str) -> list[Feature]:
        box = None if bbox is None else (bbox.west, bbox.south, bbox.east, bbox.north)
        return [kita_feature(k, lang) for k in service.in_box(box)]

    return [
        Layer(
            LAYER_ID,
            "Kitas",
            "Childcare (Kitas)",
            features,
            plugin="childcare",
            marker=service.settings.marker,
            attribution=service.settings.attribution,
        )
    ]


@hookimpl
def profile_sections(platform: Platform, company: Company, lang: str) -> list[ProfileSection]:
    from plugins.childcare.profile import profile_section

    section = profile_section(service_for(platform), company, lang)
    return [section] if section is not None else []
