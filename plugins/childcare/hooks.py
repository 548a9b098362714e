"""The childcare plugin's hook implementations: filters, layer, migrations, commands, web,
profile section."""

from __future__ import annotations

from typing import Any

from core import BBox
from core import Dataset
from core import Feature
from core import Platform
from core import PluginHooks
from core import catalog
from core import format_number
from core import point_feature

from plugins.childcare import datasets
from plugins.childcare.model import DOMAIN
from plugins.childcare.model import format_clock
from plugins.childcare.questionnaire import OFFERS
from plugins.childcare.service import ChildcareService
from plugins.childcare.settings import ChildcareSettings

__all__ = ["HOOKS", "LAYER_ID", "MANIFEST", "service_for"]

LAYER_ID = "childcare_kitas"


def filters(service: ChildcareService) -> dict[str, dict[str, Any]]:
    """The index columns and choices of the filters that plugin.toml declares."""
    return {
        "childcare_kita": {
            "column": service.kita_column,
            "choices": service.kita_choices(),
            "dimensions": service.kita_dimensions(),
        },
        "childcare_kita_km": {"column": service.nearest_km_column},
        "childcare_support": {"column": service.support_column},
        "childcare_offer": {
            "column": service.offer_column,
            "choices": OFFERS,
        },
    }


def kita_dataset(platform: Platform) -> Dataset:
    """The data set of Kitas (admin area, export)."""
    return datasets.kita_dataset(platform, service_for(platform))


def kita_feature(kita: Any, lang: str) -> Feature:
    """A Kita as a GeoJSON feature for the map (popup data and the detail page URL)."""
    from plugins.childcare.model import AGE_GROUPS

    ages = ", ".join(a.label(lang) for a in AGE_GROUPS if a.code in kita.age_groups)
    count = format_number(kita.places, lang) if kita.places else None
    places = catalog(DOMAIN).text("places_count", lang, n=count) if count else None
    url = f"/kitas/{kita.id}" + ("" if lang == "de" else f"?lang={lang}")
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


def layers(service: ChildcareService) -> dict[str, dict[str, Any]]:
    """The features, marker and attribution of the Kita layer."""

    def features(bbox: BBox | None, lang: str) -> list[Feature]:
        box = None if bbox is None else (bbox.west, bbox.south, bbox.east, bbox.north)
        return [kita_feature(k, lang) for k in service.in_box(box)]

    settings = service.settings
    return {
        LAYER_ID: {
            "features": features,
            "marker": settings.marker,
            "colour": settings.marker_color,
            "attribution": settings.attribution,
        }
    }


HOOKS = PluginHooks(
    __name__, ChildcareService, settings=ChildcareSettings, filters=filters, layers=layers
)
MANIFEST = HOOKS.manifest
service_for = HOOKS.service_for
