"""The housing plugin's hook implementations: filters, layer, migrations, commands, web,
profile sections."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from core import BBox
from core import Feature
from core import NavLink
from core import PluginHooks
from core import ProfileSection
from core import Text
from core import catalog
from core import choice_label
from core import format_amount
from core import format_km
from core import format_metres
from core import format_number
from core import format_quantity
from core import hookimpl
from core import point_feature
from markupsafe import escape

from plugins.housing import repository as repo
from plugins.housing.datasets import offer_dataset
from plugins.housing.model import DOMAIN
from plugins.housing.model import KINDS
from plugins.housing.questionnaire import STAFF_HOUSING_KINDS
from plugins.housing.questionnaire import housing_section
from plugins.housing.service import HousingService
from plugins.housing.settings import HousingSettings

if TYPE_CHECKING:
    from core import Company
    from core import Platform

__all__ = [
    "HOOKS",
    "MANIFEST",
    "PAGE_PREFIX",
    "erase_company_data",
    "export_company_data",
    "offer_url",
    "rooms_text",
    "service_for",
]

#: Where the offer pages live (the HTML blueprint).
PAGE_PREFIX = "/wohnen"


def _link_query(lang: str) -> str:
    """``?lang=..`` for a link in ``lang`` (none for German, the portal's own language)."""
    return "" if lang == "de" else f"?lang={lang}"


def offer_url(offer: Any, lang: str) -> str:
    """The offer's page in ``lang``."""
    return f"{PAGE_PREFIX}/angebote/{offer.id}{_link_query(lang)}"


def rooms_text(rooms: float, lang: str) -> str:
    """``3 Zimmer``, ``2,5 Zimmer``, ``1 room``: rooms with their word."""
    if rooms == 1:
        return catalog(DOMAIN).text("facts.rooms_one", lang)
    digits = 0 if float(rooms).is_integer() else 1
    return catalog(DOMAIN).text("facts.rooms", lang, n=format_number(rooms, lang, digits))


def filters(service: HousingService) -> dict[str, dict[str, Any]]:
    """The index columns of the filters that plugin.toml declares."""
    return {
        "housing_km": {
            "dynamic": {"compute": service.distance_column, "parse": service.parse_rent_cap},
            "maximum": service.settings.max_radius_km,
        },
        "housing_staff": {"column": service.staff_housing_column},
    }


def layers(service: HousingService) -> dict[str, dict[str, Any]]:
    """The layer of current offers."""
    platform = service.platform

    def size(offer: Any, lang: str) -> str:
        """``3 Zimmer, 72 m²`` (what is known of it)."""
        parts = []
        if offer.rooms:
            parts.append(rooms_text(offer.rooms, lang))
        if offer.area_m2:
            parts.append(format_quantity(offer.area_m2, "m2", lang))
        return ", ".join(parts)

    def features(bbox: BBox | None, lang: str) -> list[Feature]:
        with platform.session() as session:
            offers = repo.offers_in_box(
                session, bbox, service.today(), service.settings.max_layer_features
            )
        return [
            point_feature(
                f"housing-{offer.id}",
                offer.lat,
                offer.lon,
                {
                    "title": offer.title,
                    # the text a marker shows: its price
                    "label": offer.price_label(lang),
                    "kind": offer.kind,
                    "kind_label": choice_label(KINDS, offer.kind, lang),
                    "offer_type": offer.offer_type,
                    "warm_rent_eur": offer.warm_rent_eur,
                    "price_eur": offer.price_eur,
                    "rooms": offer.rooms,
                    "area_m2": offer.area_m2,
                    "town": offer.town,
                    "exact": offer.address_public,
                    "url": offer_url(offer, lang),
                    "api_url": f"/api/v1/housing/offers/{offer.id}",
                },
                title=offer.title,
                lines=[
                    choice_label(KINDS, offer.kind, lang),
                    offer.price_label(lang),
                    size(offer, lang),
                    offer.town,
                ],
                link=offer_url(offer, lang),
            )
            for offer in offers
        ]

    return {"housing_offers": {"features": features}}


def _staff_housing(answers: dict[str, Any], lang: str) -> list[str]:
    """What the company said about housing for its staff (empty when it offers none)."""
    if answers.get("offers_housing") is not True:
        return []
    say = catalog(DOMAIN).text
    kinds = [o.label(lang) for o in STAFF_HOUSING_KINDS if o.value in (answers.get("kinds") or ())]
    details = f": {escape(', '.join(kinds))}" if kinds else ""
    rent = answers.get("rent_from_eur")
    if isinstance(rent, int | float) and not isinstance(rent, bool):
        details += f" ({escape(say('profile.rent_from', lang, amount=format_amount(rent, lang)))})"
    heading, text = escape(say("profile.staff", lang)), escape(say("profile.staff_text", lang))
    parts = [f"<h3>{heading}</h3><p>{text}{details}.</p>"]
    if answers.get("details"):
        parts.append(f"<p>{escape(answers['details'])}</p>")
    return parts


def _offers_near(service: HousingService, company: Company, lang: str) -> list[str]:
    """The offers near the company and the link to all of them by distance."""
    assert company.location is not None
    say = catalog(DOMAIN).text
    radius = service.settings.profile_radius_km
    near = service.offers_near(
        company.location.lat, company.location.lon, radius, service.settings.profile_offers
    )
    heading = escape(say("profile.nearby", lang, km=format_km(radius, lang)))
    if not near:
        parts = [f"<h3>{heading}</h3><p>{escape(say('profile.none', lang))}</p>"]
    else:
        items = []
        for offer, metres in near:
            facts = [choice_label(KINDS, offer.kind, lang), offer.price_label(lang)]
            if offer.rooms:
                facts.append(rooms_text(offer.rooms, lang))
            facts.append(format_metres(metres, lang))
            items.append(
                f'<li><a href="{offer_url(offer, lang)}">'
                f"{escape(offer.title)}</a> ({escape(', '.join(f for f in facts if f))})</li>"
            )
        parts = [f"<h3>{heading}</h3><ul>{''.join(items)}</ul>"]
    query = _link_query(lang).replace("?", "&")
    link = f"{PAGE_PREFIX}?company={company.id}{query}"
    parts.append(f'<p><a href="{escape(link)}">{escape(say("profile.by_distance", lang))}</a></p>')
    return parts


def profile_section(service: HousingService, company: Company, lang: str) -> ProfileSection | None:
    """Housing for staff as the company states it, and offers near the company."""
    parts = _staff_housing(company.extensions.get("housing") or {}, lang)
    if company.location is not None:
        parts += _offers_near(service, company, lang)
    if not parts:
        return None
    return ProfileSection(
        id="housing",
        title=catalog(DOMAIN).text("profile.title", lang),
        html="".join(parts),
        plugin="housing",
        order=60,
    )


def _company_offers(platform: Platform, company_id: int) -> list[Any]:
    from sqlalchemy import select

    from plugins.housing import tables as t
    from plugins.housing.model import Offer

    with platform.session() as session:
        rows = session.execute(select(t.offers).where(t.offers.c.company_id == company_id))
        return [Offer.from_row(r) for r in rows]


@hookimpl
def export_company_data(platform: Platform, company_id: int) -> dict[str, Any] | None:
    offers = _company_offers(platform, company_id)
    if not offers:
        return None
    return {
        "housing_offers": [
            {
                "id": o.id,
                "source": o.source,
                **{
                    k: v.isoformat() if hasattr(v, "isoformat") else v
                    for k, v in o.fields().items()
                },
            }
            for o in offers
        ]
    }


@hookimpl
def erase_company_data(platform: Platform, company_id: int) -> None:
    from sqlalchemy import delete

    from plugins.housing import tables as t

    with platform.session(write=True) as session:
        removed = session.execute(delete(t.offers).where(t.offers.c.company_id == company_id))
        if removed.rowcount:  # type: ignore[attr-defined]
            repo.touch(session)


HOOKS = PluginHooks(
    __name__,
    HousingService,
    settings=HousingSettings,
    navigation=NavLink(
        PAGE_PREFIX, Text.message(DOMAIN, "navigation.housing"), order=40, plugin="housing"
    ),
    datasets=lambda platform: offer_dataset(platform, service_for(platform)),
    questionnaire_sections=housing_section(),
    filters=filters,
    layers=layers,
    profile_section=profile_section,
)
MANIFEST = HOOKS.manifest
service_for = HOOKS.service_for
