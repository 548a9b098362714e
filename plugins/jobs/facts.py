"""What the profile section, the list and a position's page show of a position: its kind,
start, place, employer and the ways to apply, in the reader's language.

No web framework here: the profile section is rendered by core's profile hook, the pages by
Flask; both take these values.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING
from urllib.parse import quote
from urllib.parse import urlsplit

from attrs import frozen
from core import format_date
from core import vocabulary
from markupsafe import Markup
from markupsafe import escape

from plugins.jobs.texts import text
from plugins.jobs.vocabulary import KINDS

if TYPE_CHECKING:
    from core import Platform
    from core import SearchIndex

    from plugins.jobs.model import Position

__all__ = [
    "PAGES_PREFIX",
    "Applying",
    "Employer",
    "apply_ways",
    "breakable",
    "employer_of",
    "kind_label",
    "lang_query",
    "paragraphs",
    "position_path",
    "profession_label",
    "starts",
]

#: Where the position pages live (``pages.py`` mounts its blueprint there).
PAGES_PREFIX = "/stellen"
_PHONE_KEEP = re.compile(r"[^0-9+]")
#: a slash after a word of three letters or more (not the one in "(m/w/d)")
_WORD_SLASH = re.compile(r"(?<=\w{3})/")


def lang_query(platform: Platform, lang: str) -> str:
    """``?lang=xx`` where a link without it would show another language, else ``""``."""
    languages = platform.settings.portal.languages
    return "" if languages and lang == languages[0] else f"?lang={lang}"


def position_path(platform: Platform, position_id: int | None, lang: str) -> str:
    """The page of a position, in ``lang``."""
    return f"{PAGES_PREFIX}/{position_id}{lang_query(platform, lang)}"


def kind_label(position: Position, lang: str) -> str:
    return str(KINDS.label(position.kind, lang))


def profession_label(position: Position, lang: str) -> str:
    """The position's Berufshauptgruppe (first two digits of its KldB code), or ``""``."""
    code = position.profession_group
    professions = vocabulary("professions")
    return str(professions.label(code, lang)) if code and code in professions else ""


def starts(position: Position, today: dt.date, lang: str) -> str:
    """When the job starts: "ab sofort" (no date, or a day already past) or "ab 1. März 2027"."""
    start = position.start_date
    if start is None or start <= today:
        return text("start.now", lang)
    return text("start.from", lang, date=format_date(start, lang))


def breakable(title: str) -> Markup:
    """A title escaped, with a line break allowed after a slash that ends a word:
    "Altenpflegehelfer/in" wraps as "Altenpflegehelfer/" + "in" on a phone, not inside the
    word; "(m/w/d)" stays whole."""
    return Markup(_WORD_SLASH.sub("/<wbr>", str(escape(title))))


def paragraphs(description: str) -> list[list[str]]:
    """A plain-text description as paragraphs (blank lines between them) of lines."""
    blocks = re.split(r"\n\s*\n", description.replace("\r\n", "\n").strip())
    return [[line.strip() for line in b.split("\n") if line.strip()] for b in blocks if b.strip()]


@frozen
class Employer:
    """Who offers a position: the company's public profile when it has one, else the
    employer's name and place as the source gave them."""

    name: str
    town: str
    postcode: str
    #: the company's slug when its profile is public (then the page links it), else ""
    slug: str = ""
    company_id: int | None = None


def employer_of(position: Position, index: SearchIndex | None) -> Employer:
    """The employer of ``position``: its matched company if that one is public (in the search
    index, which holds the published companies), else the name and place of the source."""
    company_id = position.company_id
    if company_id is not None and index is not None:
        row = index.row_of.get(int(company_id))
        if row is not None and bool(index.alive[row]):
            return Employer(
                name=index.names[row],
                town=position.employer_town or index.towns[row],
                postcode=position.employer_postcode,
                slug=index.slugs[row],
                company_id=company_id,
            )
    return Employer(
        name=position.employer_name,
        town=position.employer_town,
        postcode=position.employer_postcode,
    )


@frozen
class Applying:
    """One way to apply: a link (``href``), the button's text and what it shows."""

    way: str  # "url", "email" or "phone"
    href: str
    label: str
    shown: str


def _web_address(value: str) -> str:
    """``value`` when it is an http(s) address with a host, else ``""`` (never a
    ``javascript:`` or other scheme as a link, whatever came in)."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not re.search(r"\s", value):
        return value
    return ""


def apply_ways(position: Position, lang: str) -> list[Applying]:
    """How to apply, the main way first: the application form (a web address), an e-mail
    with the position's title as its subject, a phone call."""
    ways = []
    url = _web_address(position.apply_url)
    if url:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        ways.append(Applying("url", url, text("apply.online", lang), host))
    email = position.apply_email.strip()
    if email and "@" in email and not re.search(r"[\s<>\"']", email):
        subject = quote(text("apply.subject", lang, title=position.title), safe="")
        ways.append(
            Applying("email", f"mailto:{email}?subject={subject}", text("apply.email", lang), email)
        )
    phone = position.apply_phone.strip()
    digits = _PHONE_KEEP.sub("", phone)
    if len(digits.lstrip("+")) >= 3:
        ways.append(Applying("phone", f"tel:{digits}", text("apply.phone", lang), phone))
    return ways
