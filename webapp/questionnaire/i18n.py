"""Texts of the questionnaire and the moderation pages: the ``questionnaire`` catalog.

The German source is ``core/portal/locale/messages.toml`` (core's sections, the answer
problems and the mails to companies use the same catalog); the translations are its
``<lang>/LC_MESSAGES/questionnaire.po`` files. Templates call ``qt("key")``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from core.i18n import catalog
from core.portal.questionnaire import DOMAIN

__all__ = ["STRINGS", "translate"]


def translate(key: str, lang: str | None = None, **values: Any) -> str:
    """The text ``key`` in ``lang`` (the catalog's fallback when it has none), filled in."""
    return catalog(DOMAIN).text(key, lang, **values)


class _Table(Mapping[str, dict[str, str]]):
    """The former ``{lang: {key: text}}`` table, read from the catalog (deprecated: use
    ``translate`` or ``core.catalog("questionnaire")``)."""

    def __getitem__(self, lang: str) -> dict[str, str]:
        if lang not in catalog(DOMAIN).languages():
            raise KeyError(lang)
        return catalog(DOMAIN).texts(lang)

    def __iter__(self) -> Iterator[str]:
        return iter(catalog(DOMAIN).languages())

    def __len__(self) -> int:
        return len(catalog(DOMAIN).languages())


STRINGS: Mapping[str, dict[str, str]] = _Table()
