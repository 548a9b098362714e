"""What a company's profile shows about training: its own offers (apprenticeships, dual
study, further training) and current courses nearby for the professions it employs."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core import ProfileSection
from core import catalog
from core import format_amount
from core import format_date as format_day
from core import format_km
from core import format_number
from core import vocabulary
from markupsafe import escape

from plugins.training import vocabulary as tv
from plugins.training.index import Nearby
from plugins.training.questionnaire import EXTENSION
from plugins.training.questionnaire import TrainingOffer
from plugins.training.texts import DOMAIN
from plugins.training.texts import text as catalog_text

if TYPE_CHECKING:
    from core import Company
    from core import Platform

    from plugins.training.model import Course
    from plugins.training.service import TrainingService

__all__ = [
    "PAGES_PREFIX",
    "course_url",
    "format_date",
    "format_money",
    "lang_query",
    "profile_section",
    "when",
]

#: Where the course pages live (``pages.py`` mounts its blueprint there).
PAGES_PREFIX = "/weiterbildung"


def format_date(day: dt.date | None, lang: str) -> str:
    return "" if day is None else format_day(day, lang)


def format_money(amount: float, lang: str) -> str:
    return format_amount(amount, lang)


def _texts(lang: str) -> dict[str, str]:
    """The profile section's texts (catalog keys ``profile.<key>``) in ``lang``, by key."""
    texts = catalog(DOMAIN).texts(lang)
    return {k.removeprefix("profile."): v for k, v in texts.items() if k.startswith("profile.")}


def lang_query(platform: Platform, lang: str) -> str:
    default = platform.settings.portal.languages[0] if platform.settings.portal.languages else "de"
    return "" if lang == default else f"?lang={lang}"


def course_url(platform: Platform, course_id: int | None, lang: str) -> str:
    return f"{PAGES_PREFIX}/{course_id}{lang_query(platform, lang)}"


def when(course: Course, lang: str, today: dt.date) -> str:
    """When one can start: "ab 02.03.2026" or "Einstieg jederzeit" (on demand, or running)."""
    text = _texts(lang)
    start = course.start_date
    if course.on_demand and (start is None or start <= today):
        return text["on_demand"]
    if start is not None:
        return text["from"].format(date=format_date(start, lang))
    return text["on_demand"]


def _offer_html(offer: TrainingOffer, lang: str) -> str:
    text = _texts(lang)
    parts: list[str] = []
    if offer.trains_apprentices:
        facts = [text["trains"]]
        if offer.places:
            facts.append(
                text["place"] if offer.places == 1 else text["places"].format(n=offer.places)
            )
        parts.append(f"<h3>{escape(text['apprenticeship'])}</h3><p>{escape(' · '.join(facts))}</p>")
        if offer.titles:
            items = "".join(f"<li>{escape(t)}</li>" for t in offer.titles)
            parts.append(
                f'<p class="training-label">{escape(text["occupations"])}:</p>'
                f'<ul class="tags training-occupations">{items}</ul>'
            )
        labels = [
            vocabulary("professions").label(c, lang)
            for c in offer.professions
            if c in vocabulary("professions")
        ]
        if labels:
            items = "".join(f"<li>{escape(label)}</li>" for label in labels)
            parts.append(
                f'<p class="training-label">{escape(text["fields"])}:</p>'
                f'<ul class="tags training-fields">{items}</ul>'
            )
    if offer.dual_study:
        line = (
            text["dual_with"].format(partner=offer.dual_study_partner)
            if offer.dual_study_partner
            else text["dual_yes"]
        )
        if offer.dual_study_programmes:
            line += f": {offer.dual_study_programmes}"
        parts.append(f"<h3>{escape(text['dual'])}</h3><p>{escape(line)}</p>")
    if offer.supports_further_training or offer.notes:
        facts = []
        if offer.budget_eur:
            facts.append(text["budget"].format(amount=format_money(offer.budget_eur, lang)))
        if offer.days:
            facts.append(text["days"].format(n=format_number(offer.days, lang, 1)))
        body = f"<p>{escape(' · '.join(facts))}</p>" if facts else ""
        if offer.notes:
            body += f"<p>{escape(offer.notes)}</p>"
        parts.append(f"<h3>{escape(text['further'])}</h3>{body}")
    return "".join(parts)


def _courses_html(
    platform: Platform,
    nearby: list[Nearby],
    professions: tuple[str, ...],
    lang: str,
    today: dt.date,
) -> str:
    text = _texts(lang)
    items = []
    for hit in nearby:
        course = hit.course
        if hit.distance_m is None:
            where = text["online"]
        else:
            km = format_km(hit.distance_m / 1000, lang)
            where = catalog_text("profile.where", lang, town=course.town, km=km)
        demo = f' <span class="badge demo">{escape(text["demo"])}</span>' if course.is_demo else ""
        # a course's title is the provider's German name of it: marked so on other pages
        own = "" if lang == "de" else ' lang="de"'
        items.append(
            f'<li class="training-course" data-course="{course.id}">'
            f'<a href="{escape(course_url(platform, course.id, lang))}"{own}>'
            f"{escape(course.title)}</a>"
            f"{demo}<br><small>{escape(course.provider)} · {escape(where)} · "
            f"{escape(tv.KINDS.label(course.kind, lang))} · "
            f"{escape(when(course, lang, today))}</small></li>"
        )
    query = "&".join(f"profession={p}" for p in professions)
    link = f"{PAGES_PREFIX}?{query}" + (f"&lang={lang}" if lang_query(platform, lang) else "")
    return (
        f"<h3>{escape(text['courses'])}</h3>"
        f'<ul class="training-courses">{"".join(items)}</ul>'
        f'<p><a href="{escape(link)}">{escape(text["all_courses"])}</a></p>'
    )


def profile_section(service: TrainingService, company: Company, lang: str) -> ProfileSection | None:
    """The profile's training section; None when there is nothing to show."""
    offer = TrainingOffer.from_extension((company.extensions or {}).get(EXTENSION))
    professions = tuple(dict.fromkeys((*company.professions, *offer.professions)))
    nearby = service.nearby(company.location, professions) if professions else []
    parts = _offer_html(offer, lang)
    if nearby:
        parts += _courses_html(service.platform, nearby, professions, lang, service.today())
    if not parts:
        return None
    html = f'<div class="training-profile">{parts}</div>'
    title = catalog_text("profile.title", lang)
    return ProfileSection.from_parts("training", title, [html], order=60)
