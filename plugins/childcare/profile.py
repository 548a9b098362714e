"""What a company's profile shows about childcare: the nearest Kitas with their distance, and
the company's own childcare support (from the questionnaire answers)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from core import ProfileSection
from core import format_km
from core import format_metres
from markupsafe import escape

from plugins.childcare.model import AGE_GROUPS
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


def support_lines(extension: dict[str, Any] | None, lang: str) -> list[str]:
    """The company's childcare offers as sentences (plain text)."""
    en = lang == "en"
    data = extension or {}
    labels = {offer.value: offer.label(lang) for offer in OFFERS}
    lines = []
    for code in offers_of(data):
        line = labels[code]
        if code == "company_kita" and isinstance(data.get("company_kita_places"), int | float):
            places = int(data["company_kita_places"])
            line += f" ({places} places)" if en else f" ({places} Plätze)"
        if code == "reserved_places" and isinstance(data.get("reserved_places_count"), int | float):
            count = int(data["reserved_places_count"])
            line += f" ({count})"
        if code == "allowance" and isinstance(data.get("allowance_eur_month"), int | float):
            euros = f"{data['allowance_eur_month']:g}"
            line += (
                f" ({euros} euros per child and month)"
                if en
                else f" ({euros} € pro Kind und Monat)"
            )
        lines.append(line)
    return lines


def _ages(codes: tuple[str, ...], lang: str) -> str:
    return ", ".join(a.label(lang) for a in AGE_GROUPS if a.code in codes)


def profile_section(
    service: ChildcareService, company: Company, lang: str
) -> ProfileSection | None:
    """The profile page section, None when the company has no location and no offers."""
    en = lang == "en"
    parts: list[str] = []
    offers = support_lines(company.extensions.get(EXTENSION), lang)
    if offers:
        heading = "What the employer offers" if en else "Angebote des Arbeitgebers"
        items = "".join(f"<li>{escape(line)}</li>" for line in offers)
        parts.append(f'<h3>{heading}</h3><ul class="checklist">{items}</ul>')
        details = (company.extensions.get(EXTENSION) or {}).get("details")
        if isinstance(details, str) and details.strip():
            parts.append(f"<p>{escape(details.strip())}</p>")
    if company.location is not None:
        radius = service.settings.nearby_km
        near = service.nearest(
            company.location.lat,
            company.location.lon,
            limit=service.settings.profile_kitas,
            radius_km=radius,
        )
        heading = "Nearest Kitas" if en else "Kitas in der Nähe"
        if not near:
            none = (
                f"No Kita known within {format_km(radius, lang)}."
                if en
                else f"Keine Kita im Umkreis von {format_km(radius, lang)} bekannt."
            )
            parts.append(f"<h3>{heading}</h3><p>{none}</p>")
        else:
            items = []
            query = "?lang=en" if en else ""
            for entry in near:
                kita = entry.kita
                facts = [distance_text(entry.metres, lang)]
                if kita.age_groups:
                    facts.append(_ages(kita.age_groups, lang))
                if kita.closes is not None:
                    clock = format_clock(kita.closes)
                    facts.append(f"open until {clock}" if en else f"geöffnet bis {clock} Uhr")
                items.append(
                    f'<li><a href="/kitas/{kita.id}{query}">{escape(kita.name)}</a> '
                    f"({escape('; '.join(facts))})</li>"
                )
            straight = "straight-line distance" if en else "Luftlinie"
            parts.append(
                f'<h3>{heading}</h3><ol class="childcare-near">{"".join(items)}</ol>'
                f"<p><small>{straight}; "
                f'<a href="/kitas{query}">{"all Kitas" if en else "alle Kitas"}</a></small></p>'
            )
    title = "Childcare" if en else "Kinderbetreuung"
    return ProfileSection.from_parts("childcare", title, parts, order=40)
