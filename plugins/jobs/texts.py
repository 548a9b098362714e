"""The jobs plugin's texts: its catalog (``locale/``, the domain ``jobs``)."""

from __future__ import annotations

from typing import Any

from core import Text
from core import catalog

__all__ = ["DOMAIN", "message", "text"]

#: The plugin's catalog domain (``plugins/jobs/locale/``).
DOMAIN = "jobs"


def text(key: str, lang: str, **values: Any) -> str:
    """The catalog text ``key`` in ``lang`` with ``{values}`` filled in."""
    return catalog(DOMAIN).text(key, lang, **values)


def message(key: str, **values: Any) -> Text:
    """The catalog text ``key`` as a label resolved where it is shown."""
    return Text.message(DOMAIN, key, **values)
