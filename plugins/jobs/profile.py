"""The open positions on a company's profile: right under its name and key facts, each with
its kind, start, place and an apply button, so a job seeker acts without scrolling."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core import ProfileSection
from markupsafe import Markup
from markupsafe import escape

from plugins.jobs.facts import PAGES_PREFIX
from plugins.jobs.facts import apply_ways
from plugins.jobs.facts import breakable
from plugins.jobs.facts import kind_label
from plugins.jobs.facts import lang_query
from plugins.jobs.facts import position_path
from plugins.jobs.facts import starts
from plugins.jobs.texts import text

if TYPE_CHECKING:
    from core import Company

    from plugins.jobs.model import Position
    from plugins.jobs.service import JobsService

__all__ = ["open_positions_of", "profile_section"]


def open_positions_of(service: JobsService, company_id: int | None) -> list[Position]:
    """The company's open positions: the earliest start first ("ab sofort" before dates),
    then the newest."""
    if company_id is None:
        return []
    today = service.today()
    # positions_of: open ones, newest first; the sort keeps that order among equal starts
    return sorted(service.positions_of(company_id), key=lambda p: max(p.start_date or today, today))


def _item(service: JobsService, position: Position, lang: str, *, demo_page: bool) -> str:
    platform = service.platform
    today = service.today()
    page = position_path(platform, position.id, lang)
    # the title is the employer's German text: marked so on a page in another language
    own = "" if lang == platform.settings.portal.languages[0] else ' lang="de"'
    facts = [kind_label(position, lang), starts(position, today, lang)]
    if position.employer_town:
        facts.append(position.employer_town)
    # a demo company's page says so in its banner; elsewhere a demo position is marked
    demo = ""
    if position.is_demo and not demo_page:
        demo = f' <span class="badge demo">{escape(text("position.demo_badge", lang))}</span>'
    ways = apply_ways(position, lang)
    if ways:
        first = ways[0]
        rel = ' rel="noopener nofollow"' if first.way == "url" else ""
        button = (
            f'<a class="button primary jobs-apply" href="{escape(first.href)}"{rel} '
            f'data-way="{first.way}">{escape(text("apply.now", lang))}'
            f'<span class="sr-only">: {escape(position.title)}</span></a>'
        )
    else:
        button = (
            f'<a class="button jobs-apply" href="{escape(page)}" data-way="page">'
            f"{escape(text('apply.how', lang))}"
            f'<span class="sr-only">: {escape(position.title)}</span></a>'
        )
    separator = Markup('<span aria-hidden="true"> · </span><span class="sr-only">, </span>')
    return (
        f'<li class="jobs-position" data-position="{position.id}">'
        f'<div class="kit-offer-text"><h3><a href="{escape(page)}"{own}>'
        f"{breakable(position.title)}</a>{demo}</h3>"
        f'<p class="meta">{separator.join(escape(f) for f in facts)}</p></div>'
        f"{button}</li>"
    )


def profile_section(service: JobsService, company: Company, lang: str) -> ProfileSection | None:
    """The section "Offene Stellen (3)"; None when the company has no open position."""
    positions = open_positions_of(service, company.id)
    limit = service.settings.profile_max_positions
    if not positions or not limit:
        return None
    items = "".join(_item(service, p, lang, demo_page=company.is_demo) for p in positions[:limit])
    parts = [f'<ul class="kit-offers jobs-positions">{items}</ul>']
    if len(positions) > limit:
        query = lang_query(service.platform, lang)
        link = f"{PAGES_PREFIX}{query}{'&' if query else '?'}company={company.id}"
        parts.append(
            f'<p><a href="{escape(link)}">{escape(text("profile.all", lang, n=len(positions)))}'
            "</a></p>"
        )
    title = text("profile.title", lang, n=len(positions))
    return ProfileSection.from_parts("jobs", title, parts, order=10, placement="top")
