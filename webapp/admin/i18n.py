"""Texts of the admin area's own pages (companies, datasets, configuration, statistics): the
``admin`` message catalog.

German is the source (``webapp/admin/locale/messages.toml``), English the one translation:
the admin area speaks German and English only, so an admin page asked for in another of the
portal's languages is German throughout (its texts, its ``lang`` attribute, the texts of the
portal's header and footer around it). Templates call ``at("key")``; the statistics use the
``statistics.`` keys. The moderation pages keep theirs in the questionnaire's catalog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core import register_catalog
from webapp.context import narrow_language

__all__ = ["DOMAIN", "LANGUAGES", "admin_language", "translate"]

DOMAIN = "admin"
_CATALOG = register_catalog(DOMAIN, Path(__file__).resolve().parent / "locale")
#: The languages of the admin area; the first is the one for every other language.
LANGUAGES = ("de", "en")


def admin_language() -> str:
    """The admin page's language: the portal's page language if the admin area speaks it,
    else German (for the whole page: its frame too)."""
    return narrow_language(LANGUAGES)


def translate(key: str, lang: str, **values: Any) -> str:
    """The text ``key`` in ``lang`` (German when the admin area does not speak ``lang``),
    placeholders filled in."""
    return _CATALOG.text(key, lang if lang in LANGUAGES else LANGUAGES[0], **values)
