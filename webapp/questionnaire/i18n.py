"""Texts of the questionnaire and the moderation pages: the ``questionnaire`` catalog.

The German source is ``core/portal/locale/messages.toml`` (core's sections, the answer
problems and the mails to companies use the same catalog); the translations are its
``<lang>/LC_MESSAGES/questionnaire.po`` files. Templates call ``qt("key")``.
"""

from __future__ import annotations

from typing import Any

from core.i18n import catalog
from core.portal.questionnaire import DOMAIN

__all__ = ["translate"]


def translate(key: str, lang: str | None = None, **values: Any) -> str:
    """The text ``key`` in ``lang`` (the catalog's fallback when it has none), filled in."""
    return catalog(DOMAIN).text(key, lang, **values)
