"""What a company's profile shows about childcare: the nearest Kitas with their distance, and
the company's own childcare support (from the questionnaire answers)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from core import ProfileSection
from core import catalog
from core import format_amount
from core import format_km
from core import format_metres
from core import format_number
from markupsafe import escape

from plugins.childcare.model import AGE_GROUPS
from plugins.childcare.model import DOMAIN
from plugins.childcare.model import format_clock
from plugins.childcare.questionnaire import EXTENSION
from plugins.childcare.questionnaire import OFFERS
from plugins.childcare.questionnaire import offers_of

if TYPE_CHECKING:
    from core import Company

    from plugins.childcare.service import ChildcareService

__all__ = ["distance_text", "profile_section", "support_lines"]


def distance_text(metres: float, lang: str) -> str:
    """``0,8 km``, ``1,4 km`` (German) or ``1.4 km``: the portal's one distance format."""
    return format_metres(metres, lang)


def _link_query(lang: str) -> str:
    """``?lang=..`` for a link in ``lang`` (none for German, the portal's own language)."""
    return "" if lang == "de" else f"?lang={lang}"


def support_lines(extension: dict[str, Any] | None, lang: str) -> list[str]:
    """The company's childcare offers as sentences (plain text)."""
    say = catalog(DOMAIN).text
    data = extension or {}
    labels = {offer.value: offer.label(lang) for offer in OFFERS}
    lines = []
    for code in offers_of(data):
        line = labels[code]
        if code == "company_kita" and isinstance(data.get("company_kita_places"), int | float):
            places = format_number(int(data["company_kita_places"]), lang)
            line += f" ({say('places_count', lang, n=places)})"
        if code == "reserved_places" and isinstance(data.get("reserved_places_count"), int | float):
            line += f" ({format_number(int(data['reserved_places_count']), lang)})"
        if code == "allowance" and isinstance(data.get("allowance_eur_month"), int | float):
            amount = format_amount(float(data["allowance_eur_month"]), lang)
            line += f" ({say('profile.allowance', lang, amount=amount)})"
        lines.append(line)
    return lines


def _ages(codes: tuple[str, ...], lang: str) -> str:
    return ", ".join(a.label(lang) for a in AGE_GROUPS if a.code in codes)


def _nearest_kitas(service: ChildcareService, company: Company, lang: str) -> str:
    """The nearest Kitas as a heading and a list (or a sentence that there is none)."""
    assert company.location is not None
    say = catalog(DOMAIN).text
    radius = service.settings.nearby_km
    near = service.nearest(
        company.location.lat,
        company.location.lon,
        limit=service.settings.profile_kitas,
        radius_km=radius,
    )
    heading = escape(say("profile.nearest", lang))
    if not near:
        none = escape(say("profile.none_near", lang, km=format_km(radius, lang)))
        return f"<h3>{heading}</h3><p>{none}</p>"
    items = []
    query = _link_query(lang)
    for entry in near:
        kita = entry.kita
        facts = [distance_text(entry.metres, lang)]
        if kita.age_groups:
            facts.append(_ages(kita.age_groups, lang))
        if kita.closes is not None:
            facts.append(say("open_until_time", lang, time=format_clock(kita.closes)))
        items.append(
            f'<li><a href="/kitas/{kita.id}{query}">{escape(kita.name)}</a> '
            f"({escape('; '.join(facts))})</li>"
        )
    straight = escape(say("profile.straight", lang))
    every = escape(say("profile.all_kitas", lang))
    return (
        f'<h3>{heading}</h3><ol class="childcare-near">{"".join(items)}</ol>'
        f'<p><small>{straight}; <a href="/kitas/{query}">{every}</a></small></p>'
    )


def profile_section(
    service: ChildcareService, company: Company, lang: str
) -> ProfileSection | None:
    """The profile page section, None when the company has no location and no offers."""
    say = catalog(DOMAIN).text
    parts: list[str] = []
    offers = support_lines(company.extensions.get(EXTENSION), lang)
    if offers:
        heading = escape(say("profile.offers", lang))
        items = "".join(f"<li>{escape(line)}</li>" for line in offers)
        parts.append(f'<h3>{heading}</h3><ul class="checklist">{items}</ul>')
        details = (company.extensions.get(EXTENSION) or {}).get("details")
        if isinstance(details, str) and details.strip():
            parts.append(f"<p>{escape(details.strip())}</p>")
    if company.location is not None:
        parts.append(_nearest_kitas(service, company, lang))
    return ProfileSection.from_parts("childcare", say("profile.title", lang), parts, order=40)
