"""HTML pages: the list of open positions (filter by kind, profession, town, words) and a page
per position with its schema.org ``JobPosting`` markup; a position no longer advertised
answers 410 with a page that says so and leads to its employer.

Server-rendered and usable without a script (the portal's strict content security policy:
the JSON-LD is a data block). Templates extend the portal's base template by name.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlencode

from core import NotFound
from core import fold
from core import format_date
from core import vocabulary
from flask import render_template
from flask import request
from flask import url_for
from webapp.kit import current_platform
from webapp.kit import language_args
from webapp.kit import page_language
from webapp.kit import pages_blueprint
from webapp.kit import script_json

from plugins.jobs.facts import PAGES_PREFIX
from plugins.jobs.facts import Employer
from plugins.jobs.facts import apply_ways
from plugins.jobs.facts import breakable
from plugins.jobs.facts import employer_of
from plugins.jobs.facts import kind_label
from plugins.jobs.facts import paragraphs
from plugins.jobs.facts import profession_label
from plugins.jobs.facts import starts
from plugins.jobs.hooks import service_for
from plugins.jobs.jsonld import job_posting
from plugins.jobs.texts import text
from plugins.jobs.vocabulary import KINDS

if TYPE_CHECKING:
    from core import Company

    from plugins.jobs.model import Position
    from plugins.jobs.service import JobsService

__all__ = ["blp", "card", "listed_positions"]

blp = pages_blueprint("jobs_pages", __name__, PAGES_PREFIX)


def _tt(lang: str) -> Callable[..., str]:
    """``tt(key, **values)``: the plugin's catalog text in the page's language."""
    return lambda key, **values: text(key, lang, **values)


def _service() -> JobsService:
    return service_for(current_platform())


def _profile_url(employer: Employer, lang: str, *, external: bool = False) -> str | None:
    if not employer.slug:
        return None
    return url_for("portal.company", slug=employer.slug, _external=external, **language_args(lang))


def card(service: JobsService, position: Position, employer: Employer, lang: str) -> dict[str, Any]:
    """What the list and a position's page show of a position."""
    today = service.today()
    return {
        "position": position,
        "title": breakable(position.title),
        "employer": employer,
        "profile_url": _profile_url(employer, lang),
        "url": url_for("jobs_pages.position_page", position_id=position.id, **language_args(lang)),
        "kind": kind_label(position, lang),
        "starts": starts(position, today, lang),
        "profession": profession_label(position, lang),
        "published": format_date(position.published, lang),
        "valid_through": format_date(position.valid_through, lang)
        if position.valid_through
        else "",
        "paragraphs": paragraphs(position.description),
        "ways": apply_ways(position, lang),
        # texts of the employer (title, description): German, marked so on other pages
        "own_lang": "" if lang == _first_language() else "de",
    }


def _first_language() -> str:
    languages = current_platform().settings.portal.languages
    return languages[0] if languages else "de"


def listed_positions(service: JobsService) -> list[tuple[Position, Employer]]:
    """The open positions the list shows with their employers: those of a public company and
    those not yet matched to any; a position of a company that is not public is left out."""
    index = service.platform.search_index()
    listed = []
    for position in service.open_positions():
        employer = employer_of(position, index)
        if position.company_id is not None and not employer.slug:
            continue
        listed.append((position, employer))
    listed.sort(key=lambda pair: (-pair[0].published.toordinal(), fold(pair[0].title)))
    return listed


#: The list's filters: query parameter -> what of a listed position it compares.
_FACETS: dict[str, Callable[[Position, Employer], str]] = {
    "kind": lambda p, e: p.kind,
    "profession": lambda p, e: p.profession_group or "",
    "town": lambda p, e: e.town,
}


def _matches(
    pair: tuple[Position, Employer], chosen: dict[str, set[str]], words: list[str]
) -> bool:
    position, employer = pair
    for key, values in chosen.items():
        if values and _FACETS[key](position, employer) not in values:
            return False
    if words:
        haystack = fold(f"{position.title} {employer.name} {employer.town}")
        return all(w in haystack for w in words)
    return True


def _facet_counts(
    listed: list[tuple[Position, Employer]], chosen: dict[str, set[str]], words: list[str]
) -> dict[str, Counter[str]]:
    """Per filter, how many positions each value gives with every *other* filter applied (the
    portal's facet rule: a person sees what each option would give)."""
    counts = {}
    for key, read in _FACETS.items():
        others = {k: v for k, v in chosen.items() if k != key}
        counts[key] = Counter(read(*pair) for pair in listed if _matches(pair, others, words))
    return counts


def _options(
    values: Iterable[tuple[str, str]], counts: Counter[str], selected: set[str], *, all_: bool
) -> list[tuple[str, str, int]]:
    return [
        (value, label, counts.get(value, 0))
        for value, label in values
        if all_ or counts.get(value, 0) or value in selected
    ]


def _facets(
    counts: dict[str, Counter[str]], chosen: dict[str, set[str]], lang: str
) -> dict[str, list[tuple[str, str, int]]]:
    """The list's check boxes with their counts: every kind (0 where none is open), the
    professions that give a result (or are chosen)."""
    professions = vocabulary("professions")
    kinds = ((t.code, str(KINDS.label(t.code, lang))) for t in KINDS)
    groups = ((t.code, str(t.label(lang))) for t in professions if len(t.code) == 2)
    return {
        "kind": _options(kinds, counts["kind"], chosen["kind"], all_=True),
        "profession": _options(groups, counts["profession"], chosen["profession"], all_=False),
    }


@blp.get("")
def position_list() -> Any:
    lang = page_language()
    service = _service()
    listed = listed_positions(service)
    chosen = {key: set(filter(None, request.args.getlist(key))) for key in _FACETS}
    q = request.args.get("q", "").strip()[:200]
    words = fold(q).split()
    company = request.args.get("company", "")
    employer_name = ""
    if company.isdigit():
        listed = [pair for pair in listed if pair[0].company_id == int(company)]
        employer_name = listed[0][1].name if listed else ""
    found = [pair for pair in listed if _matches(pair, chosen, words)]
    counts = _facet_counts(listed, chosen, words)
    towns = sorted({e.town for _, e in listed if e.town}, key=fold)
    per_page = service.settings.per_page
    pages = max(1, math.ceil(len(found) / per_page))
    page = request.args.get("page", "1")
    number = min(max(int(page), 1), pages) if page.isdigit() else 1
    shown = found[(number - 1) * per_page : number * per_page]
    state = [(k, v) for k in ("q", "company", *_FACETS) for v in request.args.getlist(k) if v]

    def page_link(n: int) -> str:
        args = [*state, ("page", str(n)), *language_args(lang).items()]
        return url_for("jobs_pages.position_list") + "?" + urlencode(args)

    return render_template(
        "jobs/list.html",
        lang=lang,
        tt=_tt(lang),
        items=[card(service, p, e, lang) for p, e in shown],
        total=len(found),
        facets=_facets(counts, chosen, lang),
        towns=[(t, f"{t} ({counts['town'].get(t, 0)})") for t in towns],
        chosen=chosen,
        q=q,
        company=company if company.isdigit() else "",
        employer_name=employer_name,
        page=number,
        pages=pages,
        previous_url=page_link(number - 1) if number > 1 else None,
        next_url=page_link(number + 1) if number < pages else None,
        reset_url=url_for("jobs_pages.position_list", **language_args(lang)),
        lang_args=language_args(lang),
    )


def _find(service: JobsService, position_id: int) -> Position | None:
    try:
        return service.position(position_id, include_closed=True)
    except NotFound:
        return None


def _company(employer: Employer) -> Company | None:
    if employer.company_id is None or not employer.slug:
        return None
    try:
        return current_platform().company(employer.company_id, public_only=True)
    except NotFound:
        return None


def _others(service: JobsService, position: Position, employer: Employer, lang: str) -> list[Any]:
    """Up to five other open positions of the same (public) employer."""
    if employer.company_id is None or not employer.slug:
        return []
    mine = service.positions_of(employer.company_id)
    return [card(service, p, employer, lang) for p in mine if p.id != position.id][:5]


def _why_closed(position: Position, lang: str) -> str:
    tt = _tt(lang)
    if position.filled_on is not None:
        return tt("gone.filled", date=format_date(position.filled_on, lang))
    if position.valid_through is not None:
        return tt("gone.expired", date=format_date(position.valid_through, lang))
    return tt("gone.closed")


@blp.get("/<int:position_id>")
def position_page(position_id: int) -> Any:
    lang = page_language()
    service = _service()
    tt = _tt(lang)
    list_url = url_for("jobs_pages.position_list", **language_args(lang))
    today = service.today()
    position = _find(service, position_id)
    employer = employer_of(position, service.platform.search_index()) if position else None
    # not yet published, or of a company whose profile is not public: not there (yet)
    if (
        position is None
        or employer is None
        or position.published > today
        or (position.company_id is not None and not employer.slug)
    ):
        page = render_template("jobs/not_found.html", lang=lang, tt=tt, list_url=list_url)
        return page, 404
    facts = card(service, position, employer, lang)
    others = _others(service, position, employer, lang)
    if not position.is_open(today):
        page = render_template(
            "jobs/gone.html", lang=lang, tt=tt, facts=facts, why=_why_closed(position, lang),
            others=others, list_url=list_url,
        )  # fmt: skip
        return page, 410
    canonical = url_for(
        "jobs_pages.position_page", position_id=position.id, _external=True, **language_args(lang)
    )
    posting = job_posting(
        position,
        employer,
        _company(employer),
        url=canonical,
        profile_url=_profile_url(employer, lang, external=True),
        portal=current_platform().settings.portal.title,
    )
    return render_template(
        "jobs/position.html",
        lang=lang,
        tt=tt,
        facts=facts,
        canonical=canonical,
        json_ld=script_json(posting),
        others=others,
        list_url=list_url,
    )
