"""Core's own message catalog, the domain ``core`` (``core/locale``): the vocabularies' labels,
the company filters and layer, the field checks' messages.

Importing this module registers the catalog, so every ``Text.message("core", key)`` resolves;
the modules that make such texts import ``text`` from here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.i18n import Text, register_catalog

__all__ = ["CATALOG", "DOMAIN", "text"]

DOMAIN = "core"
CATALOG = register_catalog(DOMAIN, Path(__file__).resolve().parent / "locale")


def text(key: str, /, **values: Any) -> Text:
    """The core text ``key`` (``wz.C``, ``filter.industry.label``), resolved where it is shown."""
    return Text.message(DOMAIN, key, **values)
