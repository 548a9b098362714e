"""schema.org ``JobPosting`` markup of a position's page, so that search engines list it
(Google's job search reads the required and recommended properties written here).

The page writes the result into ``<script type="application/ld+json">`` with the web kit's
``script_json``, so no text of a position can end the script element.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup
from markupsafe import escape

from plugins.jobs.facts import Employer
from plugins.jobs.facts import paragraphs

if TYPE_CHECKING:
    from core import Company

    from plugins.jobs.model import Position

__all__ = ["direct_apply", "job_posting"]


def _description_html(position: Position) -> str:
    """The description as HTML paragraphs (Google wants HTML), every text escaped."""
    parts = paragraphs(position.description) or [[position.title]]
    return "".join(f"<p>{Markup('<br>').join(escape(line) for line in p)}</p>" for p in parts)


def _host(address: str) -> str:
    host = (urlsplit(address).hostname or "").lower()
    return host.removeprefix("www.")


def direct_apply(position: Position, company: Company | None) -> bool:
    """Whether one applies directly with the employer: the application address lies on the
    company's own web site (not on a job board between them)."""
    apply_host = _host(position.apply_url)
    own = _host(company.website) if company is not None and company.website else ""
    return bool(apply_host and own) and (apply_host == own or apply_host.endswith("." + own))


def _place(position: Position, employer: Employer, company: Company | None) -> dict[str, Any]:
    """Where the job is: the employer's address (the street when its profile names one) and
    the position's own point, else the company's."""
    address: dict[str, Any] = {"@type": "PostalAddress"}
    street = company.address.street if company is not None else ""
    if street:
        address["streetAddress"] = street
    postcode = employer.postcode or (company.address.postcode if company is not None else "")
    if postcode:
        address["postalCode"] = postcode
    if employer.town:
        address["addressLocality"] = employer.town
    address["addressCountry"] = "DE"
    place: dict[str, Any] = {"@type": "Place", "address": address}
    lat, lon = position.lat, position.lon
    if (lat is None or lon is None) and company is not None and company.location is not None:
        lat, lon = company.location.lat, company.location.lon
    if lat is not None and lon is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
    return place


def job_posting(
    position: Position,
    employer: Employer,
    company: Company | None,
    *,
    url: str,
    profile_url: str | None,
    portal: str,
) -> dict[str, Any]:
    """The ``JobPosting`` of ``position`` on its page ``url``; ``company`` is the public
    profile of its employer (address and site), ``profile_url`` that profile's page."""
    organisation: dict[str, Any] = {"@type": "Organization", "name": employer.name}
    if profile_url:
        organisation["sameAs"] = profile_url
        website = company.website if company is not None else ""
        organisation["url"] = website or profile_url
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": position.title,
        "description": _description_html(position),
        "datePosted": position.published.isoformat(),
        "employmentType": position.employment_type,
        "hiringOrganization": organisation,
        "jobLocation": _place(position, employer, company),
        "identifier": {
            "@type": "PropertyValue",
            "name": portal,
            "value": position.external_id or str(position.id),
        },
        "url": url,
        "inLanguage": "de",
    }
    if position.valid_through is not None:
        data["validThrough"] = position.valid_through.isoformat()
    if position.start_date is not None:
        data["jobStartDate"] = position.start_date.isoformat()
    if position.profession:
        data["occupationalCategory"] = {
            "@type": "CategoryCode",
            "codeValue": position.profession,
            "inCodeSet": "KldB 2010",
        }
    if direct_apply(position, company):
        data["directApply"] = True
    return data
